#pragma once
// Stress integration of one material point exactly as DAMASK v3.0.2 does it
// (phase_mechanical.f90): Newton on Lp with line search, state by damped fixed-point
// iteration, sub-stepping on failure, and the consistent tangent dP/dF.
#include "cp/lanes.hpp"
#include "cp/phase.hpp"
#include "cp/tensor.hpp"

namespace mspipe::cp {

struct IntegrationNumerics {
  int n_iter_Lp = 40;           // N_iter_Lp_max
  double r_linesearch_Lp = 0.5;
  double eps_rel_Lp = 1e-6, eps_abs_Lp = 1e-8;
  int n_iter_state = 20;        // N_iter_state_max
  double eps_rel_state = 1e-6;
  double r_cutback = 0.25, r_cutback_min = 1e-3, r_increase = 1.5;
  // Elastic predictor: a point whose previous iterate was elastic (Lp = 0) first tries
  // the trial stress at Lp = 0; where the power law's Lp there is below eps_abs_Lp (the
  // test a Newton started from Lp = 0 passes at its first check) the step is elastic and
  // neither the Newton loop nor the state iteration runs.
  bool elastic_predictor = true;
  // Warm start of the state: the first state rate of an update is taken at the previous
  // iterate's stress and state (DAMASK v3.0.2: the start-of-increment stress), so an
  // update near the last one needs fewer fixed-point iterations.
  bool warm_state = true;
  // The twinned fraction implicit inside the state's fixed-point iteration
  // (state_rate in phenopowerlaw.hpp): the same backward Euler solution, but
  // the iteration also contracts in grains twinned through, where DAMASK's does not and
  // large strains stall (false: DAMASK v3.0.2's iteration).
  bool implicit_twin_fraction = true;
  // The points of a batch (constitutive_update_lanes) that need the Newton loop integrate
  // their whole step in lock-step, one per SIMD lane (lanes.hpp); false: one after the
  // other. The results are the same bit for bit.
  bool lockstep = true;
};

// Work done by constitutive updates (summed over points by the caller; for profiles).
struct UpdateCounts {
  long updates = 0;            // constitutive_update calls
  long elastic = 0;            // of which the elastic predictor settled
  long substeps = 0;           // stress + state integrations tried (sub-steps)
  long state_iterations = 0;   // fixed-point iterations on the state
  long newton_iterations = 0;  // residual checks of the Newton loop on Lp
  long lp_jacobians = 0;       // of which built and factorised dR/dLp
  long tangents = 0;           // consistent tangents dP/dF
  long state_unconverged = 0;  // state iterations run out (accepted, as DAMASK does)
  UpdateCounts& operator+=(const UpdateCounts& o) {
    updates += o.updates, elastic += o.elastic, substeps += o.substeps;
    state_unconverged += o.state_unconverged;
    state_iterations += o.state_iterations, newton_iterations += o.newton_iterations;
    lp_jacobians += o.lp_jacobians, tangents += o.tangents;
    return *this;
  }
};

// The history of one point. "0" members hold the values at the start of the increment;
// the others are the current iterate (and the first guess for Lp).
struct PointRef {
  double* Fp;          // 9
  double* Lp;          // 9
  double* S;           // 9, second Piola–Kirchhoff stress in the crystal frame
  double* state;       // PhenoPowerLaw::state_size()
  const double* F0;    // 9
  const double* Fp0;
  const double* Lp0;
  const double* S0;
  const double* state0;
};

// Sets the history of a fresh point with lab→crystal rotation R: Fp = R, Lp = S = 0,
// state = initial (both current and start-of-increment copies are written by the caller).
void initial_point(const Phase& phase, const Mat3& R, double* Fp, double* Lp, double* S,
                   double* state);

// Updates the point to deformation gradient F at the end of a step of length dt. On
// success writes P (and dP/dF when dPdF is not null) and returns true. `counts`, when
// given, is incremented.
bool constitutive_update(const Phase& phase, const IntegrationNumerics& num, const Mat3& F,
                         double dt, const PointRef& pt, Mat3& P, T4* dPdF,
                         UpdateCounts* counts = nullptr);

// constitutive_update for n ≤ kLanes points of one phase (F_end, pts, P, dPdF and ok have n
// entries; dPdF[i] may be null): each gets exactly constitutive_update's result. Points
// past the elastic predictor try their whole step together, in lock-step (lanes.hpp);
// a point that fails it is sub-stepped on its own.
void constitutive_update_lanes(const Phase& phase, const IntegrationNumerics& num, int n, const Mat3* F_end,
                               double dt, const PointRef* pts, Mat3* P, T4* const* dPdF, bool* ok,
                               UpdateCounts* counts = nullptr);

// The consistent tangent dP/dF (phase_mechanical_dPdF, state held fixed) of a point that
// constitutive_update has just brought to F over a step of length dt: it reads only the
// point's stored history (Fp, S, state now; Fp at the start of the increment), so the
// schemes that need it once per increment need not compute it at every update.
void consistent_tangent(const Phase& phase, const Mat3& F, double dt, const PointRef& pt, T4& dPdF);

}  // namespace mspipe::cp
