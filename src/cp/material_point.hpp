#pragma once
// Stress integration of one material point exactly as DAMASK v3.0.2 does it
// (phase_mechanical.f90): Newton on Lp with line search, state by damped fixed-point
// iteration, sub-stepping on failure, and the consistent tangent dP/dF.
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
// success writes P (and dP/dF when dPdF is not null) and returns true.
bool constitutive_update(const Phase& phase, const IntegrationNumerics& num, const Mat3& F,
                         double dt, const PointRef& pt, Mat3& P, T4* dPdF);

}  // namespace mspipe::cp
