#pragma once
// Load steps of DAMASK_grid's load.yaml: each of the nine components of the average
// deformation is either prescribed as a deformation measure (dot_F, F or L) or left
// free with the first Piola–Kirchhoff stress prescribed (P or dot_P).
#include <array>
#include <string>
#include <vector>

#include "cp/tensor.hpp"

namespace mspipe::cp {

struct LoadStep {
  enum class Deformation { dot_F, F, L };
  enum class Stress { P, dot_P };
  Deformation deformation_type = Deformation::dot_F;
  Stress stress_type = Stress::P;
  Mat3 deformation = Mat3::Zero();     // values where deformation_mask is true
  Mat3 stress = Mat3::Zero();          // values where stress_mask is true
  std::array<bool, 9> deformation_mask{};  // row-major: component prescribed as deformation
  std::array<bool, 9> stress_mask{};       // component prescribed as stress
  double t = 1.0;                      // duration in s
  int N = 1;                           // increments
  int f_out = 1;                       // output every f_out increments
  bool estimate_rate = true;           // extrapolate the first increment from the last step
};

struct LoadCase {
  std::vector<LoadStep> steps;
  int total_increments() const;
};

// Uniaxial tension along z as in the paper: dot_F_zz = rate, all other P components
// zero, no rotation (off-diagonal dot_F are prescribed zero where P is free).
LoadCase uniaxial_tension_z(double rate, double t, int N);

// The applied axial strain F_zz - 1 at increment 0 and after every output increment: what the
// points of a stress curve are plotted against. NaN for a step that leaves zz free or
// prescribes it through L.
std::vector<double> applied_axial_strain(const LoadCase& load);
// The load case in words: "dot_F_zz 0.001 /s for 10 s in 20 increments" per step.
std::string describe(const LoadCase& load);

// Checks that each component is prescribed exactly once and that values are finite.
// Returns an empty string or a message naming the problem.
std::string check(const LoadStep& s);

}  // namespace mspipe::cp
