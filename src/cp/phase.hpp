#pragma once
// One crystalline phase: Hooke elasticity plus DAMASK's phenomenological power law
// (phenopowerlaw), with every parameter expanded from families to systems. Built from
// parameters under DAMASK's own key names, whatever file they came from.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cp/lattice.hpp"
#include "cp/tensor.hpp"

namespace mspipe::cp {

// A problem with one parameter; `key` is the DAMASK key (e.g. "xi_0_sl"), `section`
// "elastic" or "plastic" or "" for the phase itself. It never leaves cp: the reader that
// knows the file turns it into the located error with its exit code (a TOML table:
// ConfigError, 3; a DAMASK material.yaml: InputError, 4).
struct ParamError : std::invalid_argument {
  ParamError(std::string section, std::string key, const std::string& what)
      : std::invalid_argument(what), section(std::move(section)), key(std::move(key)) {}
  std::string section, key;
};

// Parameters as read: every value is a list of numbers (a scalar is a list of one).
// Keys that are lists of names (`output`) are recorded only so they are not unknown.
struct PhaseSpec {
  std::string name;
  std::string lattice;                     // Pearson symbol
  std::optional<double> c_over_a;
  std::string elastic_type = "Hooke";
  std::string plastic_type = "phenopowerlaw";
  std::map<std::string, std::vector<double>> elastic;
  std::map<std::string, std::vector<double>> plastic;
};

inline constexpr int kMaxSlip = 30, kMaxTwin = 24;

struct PhenoPowerLaw {
  int n_sl = 0, n_tw = 0;
  std::vector<int> N_sl, N_tw;             // per family, as given
  std::vector<double> P_sl, P_tw;          // Schmid tensors, 9 per system (row-major)
  // Per system (slip, then twin) the 45 distinct products P_i P_j (i <= j) of its Schmid
  // tensor: dLp/dMp = Σ dγ̇/dτ P ⊗ P is then one contiguous sweep over 45 values a system
  // (the tensor is symmetric) instead of an 81-entry outer product.
  std::vector<double> PP;
  // Per slip system.
  std::vector<double> dot_gamma_0_sl, n_sl_exp, a_sl, h_0_sl_sl, xi_0_sl, xi_inf_sl, c_1, c_2,
      f_sat_sl_tw;
  // Per twin system.
  std::vector<double> dot_gamma_0_tw, n_tw_exp, h_0_tw_tw, xi_0_tw, c_3, c_4, gamma_char,
      h_0_tw_sl;
  Matrix h_sl_sl, h_sl_tw, h_tw_sl, h_tw_tw;  // rows = hardened system
  double atol_xi = 1.0, atol_gamma = 1.0e-6;
  // State layout as DAMASK: xi_sl, xi_tw, gamma_sl, gamma_tw.
  int state_size() const { return 2 * (n_sl + n_tw); }
  int i_xi_sl() const { return 0; }
  int i_xi_tw() const { return n_sl; }
  int i_gamma_sl() const { return n_sl + n_tw; }
  int i_gamma_tw() const { return 2 * n_sl + n_tw; }
};

struct Phase {
  std::string name;
  Bravais lattice = Bravais::cF;
  double c_over_a = 1.0;
  Mat6 C66;   // Voigt stiffness, crystal frame
  T4 C;       // the same as a fourth-order tensor
  PhenoPowerLaw plastic;
};

// Validates every key (unknown key, wrong length, out-of-range value → ParamError).
Phase make_phase(const PhaseSpec& spec);

// Hooke stiffness of the lattice from C_11, C_12, C_44 (cF) or also C_13, C_33 (hP).
Mat6 hooke_stiffness(Bravais b, double c11, double c12, double c13, double c33, double c44);

// Parameter sets of DAMASK's example phases (examples/config/phase): "Cu" and "Mg".
PhaseSpec preset_phase(const std::string& name);

}  // namespace mspipe::cp
