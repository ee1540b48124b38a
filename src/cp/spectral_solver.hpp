#pragma once
// DAMASK's periodic spectral solver, "basic" scheme, on any communicator: the
// deformation gradient field is the unknown, the residual is Γ⁰ * P with the mixed
// boundary conditions in its average, solved by PETSc SNES (NGMRES as DAMASK, or
// Newton–Krylov with the consistent tangent). Load steps, DAMASK's convergence
// criteria and cutbacks (halving Δt up to N_cutback_max times, then "not converged").
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"
#include "cp/load_case.hpp"
#include "cp/material_point.hpp"
#include "cp/phase.hpp"
#include "texture/quaternion.hpp"

namespace mspipe::cp {

// A grid of cells, each pointing to a material: a phase and an orientation (DAMASK's
// material.yaml entries). Every rank holds the whole description.
struct GridMaterial {
  std::array<int, 3> cells{1, 1, 1};
  std::array<double, 3> size{1, 1, 1};        // m
  std::vector<std::int32_t> material;         // per cell, x fastest, 0-based
  struct Entry {
    int phase = 0;
    texture::Quat orientation;                // lab → crystal
  };
  std::vector<Entry> materials;
  std::vector<Phase> phases;
};

// ngmres: DAMASK's choice; anderson: the same basic fixed point with Anderson mixing (one
// residual evaluation per iteration instead of two); newton_krylov: Newton with GMRES on
// the consistent tangent (Green operator as preconditioner) and a backtracking line search;
// automatic (the default, "auto"): chosen per grid by resolve_method.
enum class SnesMethod { ngmres, anderson, newton_krylov, automatic };

// "auto", "anderson", "ngmres", "newton_krylov" (the names configurations and the command
// line use); parse_snes_method throws std::invalid_argument naming the choices.
inline constexpr std::string_view snes_method_names[] = {"auto", "anderson", "ngmres", "newton_krylov"};
SnesMethod parse_snes_method(std::string_view name);
std::string_view snes_method_name(SnesMethod method);

// What `automatic` means, chosen by measurement (README, "Crystal plasticity"): Newton–Krylov
// where every phase is hexagonal (Mg: a third of Anderson's constitutive updates, about half
// its CPU time, and it converged on every random Mg VE tried), Anderson otherwise (on Cu the
// Newton steps move F so far that each material point needs three times the Newton
// iterations on Lp, and Anderson wins by 1.2x). Other methods are returned as they are.
SnesMethod resolve_method(SnesMethod method, const GridMaterial& grid);

struct SolverNumerics {
  int N_iter_min = 1, N_iter_max = 100;
  double eps_abs_div = 1e-4, eps_rel_div = 5e-4;  // err_div tolerance (Pa)
  double eps_abs_P = 1e3, eps_rel_P = 1e-3;       // stress BC tolerance (Pa)
  int N_cutback_max = 3;
  bool update_gamma = false;
  SnesMethod method = SnesMethod::automatic;
  // Newton–Krylov: reference stiffness of the Green operator taken from the average
  // tangent at the start of each increment (true) or DAMASK's initial one (false).
  bool nk_average_reference = true;
  double nk_ksp_rtol = 1e-2;   // relative tolerance of the inner GMRES
  std::string petsc_options;   // extra PETSc options for the SNES (prefix "cp_")
  bool verbose = false;        // one line per residual evaluation on rank 0 (stderr)
  IntegrationNumerics material;
};

struct IncrementResult {
  int increment = 0;         // 0 = initial state
  double time = 0;           // s
  int iterations = 0;        // DAMASK's count (sub-steps of a cut-back increment summed)
  int residual_evaluations = 0;
  int cutbacks = 0;
  bool converged = true;
  Mat3 F_avg = Mat3::Identity(), P_avg = Mat3::Zero(), sigma_avg = Mat3::Zero();
  double wall_s = 0;
};

// What a run cost, summed over the ranks (for profiles and benchmarks).
struct SolverWork {
  UpdateCounts material;           // constitutive updates and tangents
  long residual_evaluations = 0;   // each: an update of every cell, one FFT pair of P
  long jacobian_products = 0;      // Newton–Krylov: each a tangent product and an FFT pair
};

struct SimulationResult {
  bool converged = true;     // false: an increment failed after all cutbacks, or stopped
  bool stopped = false;      // the stop check ended the run (converged is false then)
  std::vector<IncrementResult> increments;  // 0 .. last (written ones, f_out respected)
  double wall_s = 0;
  SolverWork work;
  SnesMethod method = SnesMethod::anderson;  // the scheme that ran (automatic resolved)
};

class SpectralSolver {
 public:
  SpectralSolver(const core::Comm& comm, const GridMaterial& grid, SolverNumerics numerics);
  ~SpectralSolver();
  SpectralSolver(const SpectralSolver&) = delete;
  SpectralSolver& operator=(const SpectralSolver&) = delete;

  // Runs every load step. `on_increment` sees increment 0 and every output increment.
  // `stop`, when given, is asked at every iteration boundary (SNES's convergence test) and
  // is local to the rank that asks: its answers are combined over the communicator (one
  // more all-reduce per iteration), so every rank leaves at the same iteration, with
  // SimulationResult::stopped set. Without it, the iterations are exactly those of a run
  // that cannot stop.
  SimulationResult run(const LoadCase& load,
                       const std::function<void(const IncrementResult&)>& on_increment = {},
                       const std::function<bool()>& stop = {});

  // Local part of the fields after the last increment: 9 values per local cell.
  const double* F_local() const;
  const double* P_local() const;
  std::size_t local_cells() const;
  int z_offset() const;  // first global z-plane of this rank

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mspipe::cp
