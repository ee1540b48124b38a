#pragma once
// Agreement of two runs of the same load case, increment by increment: the built-in
// solver against DAMASK_grid (tools/damask_check.sh). Two criteria, as DAMASK judges its
// own results:
//   - σ_zz (Cauchy, volume average): |Δ| ≤ rel_sigma · |σ_zz of the reference|, or
//     |Δ| ≤ sigma_floor (the unstressed state at increment 0);
//   - every component whose P is prescribed (free deformation): |ΔP_ij| within DAMASK's
//     stress tolerance max(eps_abs_P, eps_rel_P · max_ij |P̄_ij|) of the reference, since
//     each program meets its target only to that tolerance.
#include <string>
#include <vector>

#include "cp/load_case.hpp"
#include "cp/spectral_solver.hpp"

namespace mspipe::cp::damask {

struct CurveTolerance {
  double rel_sigma = 1e-3;
  double sigma_floor = 1.0;  // Pa
  double eps_abs_P = 1e3;    // Pa
  double eps_rel_P = 1e-3;
};

struct IncrementAgreement {
  int increment = 0;
  double time = 0;
  double sigma_zz = 0, sigma_zz_ref = 0;  // Pa
  double rel_sigma = 0;   // |Δσ_zz| / |σ_zz,ref|; 0 where |σ_zz,ref| <= sigma_floor
  double free_delta = 0;  // max |ΔP_ij| over the stress-prescribed components
  double free_tol = 0;
  int iterations = 0, iterations_ref = 0;
  bool ok = true;
};

struct CurveAgreement {
  std::vector<IncrementAgreement> rows;  // the increments both runs have, ascending
  std::string problem;                   // increments or times that do not match; empty if none
  double max_rel_sigma = 0;
  bool ok() const;
};

// `run` against `ref`: both must hold the same increments at the same times.
CurveAgreement compare_curves(const SimulationResult& run, const SimulationResult& ref,
                              const LoadCase& load, const CurveTolerance& tol = {});

// The load step (index into load.steps) that increment `n` (total count, 1-based) belongs
// to; step 0 for increment 0. -1 past the last step.
int step_of_increment(const LoadCase& load, int n);

// A table, one line per increment, with the names of the two runs as column heads.
std::string format_agreement(const CurveAgreement& a, const std::string& name,
                             const std::string& ref_name);

}  // namespace mspipe::cp::damask
