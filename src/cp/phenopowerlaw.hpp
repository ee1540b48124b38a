#pragma once
// Kinetics and hardening of DAMASK v3.0.2's phenomenological power law. All functions
// work on one material point, in the crystal (plastic) frame, with the Mandel stress
// Mp = S (no intermediate configuration). Workspace is on the stack.
#include "cp/phase.hpp"
#include "cp/tensor.hpp"

namespace mspipe::cp {

// Lp = Σ γ̇α Pα + Σ γ̇tw Ptw and, when dLp_dMp is given, its derivative.
void plastic_velocity_gradient(const PhenoPowerLaw& p, const Mat3& Mp, const double* state,
                               Mat3& Lp, T4* dLp_dMp);

// Lp as above and, per system (slip, then twin), dγ̇/dτ in `dgamma_dtau` (n_sl + n_tw
// values): enough to build dLp/dMp later with lp_derivative, only where it is needed.
void lp_with_slopes(const PhenoPowerLaw& p, const Mat3& Mp, const double* state, Mat3& Lp,
                    double* dgamma_dtau);
// dLp/dMp = Σ dγ̇/dτ P ⊗ P from the slopes lp_with_slopes left.
void lp_derivative(const PhenoPowerLaw& p, const double* dgamma_dtau, T4& dLp_dMp);

// The backward Euler step a state rate is taken for: its start and its length.
struct TwinStep {
  const double* state0;
  double dt;
};

// Rate of the state [xi_sl, xi_tw, gamma_sl, gamma_tw] at stress Mp and state `state`.
// With `implicit_fraction`, the twin shear rates are those of the backward Euler step from
// state0 over dt in which the twinned fraction f = Σ γtw/γchar is implicit and the driving
// rates A = γ̇0 (τ/ξ)^n are those at Mp and `state`: γ = γ0 + dt (1 − f) A is linear in γ,
// so f = (f0 + dt a)/(1 + dt a) with a = Σ A/γchar. The backward Euler solution is the
// same; only its fixed-point iteration changes. Where a grain is nearly twinned through,
// (1 − f) A relaxes f to 1 at a rate (A/γchar) far above 1/dt, and the plain iteration,
// which takes f from `state`, cannot contract.
void state_rate(const PhenoPowerLaw& p, const Mat3& Mp, const double* state, double* dot_state,
                const TwinStep* implicit_fraction = nullptr);

// Initial state: xi = xi_0, gamma = 0.
void initial_state(const PhenoPowerLaw& p, double* state);

}  // namespace mspipe::cp
