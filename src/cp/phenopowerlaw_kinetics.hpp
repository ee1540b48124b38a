#pragma once
// The power law's plastic velocity gradient, its derivative and the state rate for one
// point (V = double) or kLanes points in lock-step (V = Lanes): the innermost work of the
// stress and state integration. phenopowerlaw.hpp has the one-point interface on Mat3 and
// state arrays, and the physics of each.
#include <array>

#include "cp/lanes.hpp"
#include "cp/phase.hpp"

namespace mspipe::cp {

// τ = P : Mp in the order of the nine products, the same in every caller.
template <class V> inline V resolved_shear(const double* schmid, const M3<V>& Mp) {
  V t = splat<V>(0.0);
  for (int i = 0; i < 9; ++i) t += Mp[i] * schmid[i];
  return t;
}

// Lp = Σ γ̇α Pα + Σ γ̇tw Ptw at Mandel stress Mp with slip and twin resistances `xi`
// (n_sl + n_tw values, the state's layout) and untwinned fraction 1 − f; per system
// (slip, then twin) dγ̇/dτ in `slope`.
template <class V>
void lp_and_slopes(const PhenoPowerLaw& p, const M3<V>& Mp, const V* xi, V untwinned, M3<V>& Lp, V* slope) {
  Lp.fill(splat<V>(0.0));
  for (int a = 0; a < p.n_sl; ++a) {
    const double* P = &p.P_sl[9 * a];
    const V tau = resolved_shear(P, Mp);
    const V x = abs_of(tau) / xi[a];
    const V rate = p.dot_gamma_0_sl[a] * power(x, p.n_sl_exp[a]);
    const V gdot = select(tau >= 0.0, rate, -rate);
    for (int i = 0; i < 9; ++i) Lp[i] += gdot * P[i];
    // dγ̇/dτ = n |γ̇| / |τ| for either sign of τ.
    slope[a] = select(rate != 0.0, p.n_sl_exp[a] * rate / abs_of(tau), splat<V>(0.0));
  }
  for (int b = 0; b < p.n_tw; ++b) {
    const double* P = &p.P_tw[9 * b];
    const V tau = resolved_shear(P, Mp);
    // Unidirectional: only a positive shear twins (other lanes compute and discard).
    const V twinning = untwinned * p.dot_gamma_0_tw[b] * power(tau / xi[p.n_sl + b], p.n_tw_exp[b]);
    const V gdot = select(tau > 0.0, twinning, splat<V>(0.0));
    for (int i = 0; i < 9; ++i) Lp[i] += gdot * P[i];
    slope[p.n_sl + b] = select(gdot != 0.0, gdot * p.n_tw_exp[b] / tau, splat<V>(0.0));
  }
}

// dLp/dMp = Σ dγ̇/dτ P ⊗ P (row-major 9x9) from the slopes lp_and_slopes left, through
// each system's 45 distinct products (PhenoPowerLaw::PP).
template <class V> void lp_slope_derivative(const PhenoPowerLaw& p, const V* slope, std::array<V, 81>& dLp_dMp) {
  std::array<V, 45> acc;
  acc.fill(splat<V>(0.0));
  for (int s = 0; s < p.n_sl + p.n_tw; ++s) {
    const V d = slope[s];
    if (!any(d != 0.0)) continue;
    const double* pp = &p.PP[45 * s];
    for (int k = 0; k < 45; ++k) acc[k] += d * pp[k];
  }
  for (int i = 0, k = 0; i < 9; ++i)
    for (int j = i; j < 9; ++j, ++k) dLp_dMp[9 * i + j] = dLp_dMp[9 * j + i] = acc[k];
}

// x^e for the hardening exponents (x >= 0): e = 0 and 1 (the defaults of c_1..c_4) and
// quarter integers such as a_sl = 2.25 without libm's pow (13 % of a Mg update's time
// went to pow): x^(k/4) = (x^(1/4))^k, within a few ulp of pow.
template <class V> inline V hardening_power(V x, double e) {
  if (e == 1.0) return x;
  if (e == 0.0) return splat<V>(1.0);
  const double e4 = 4.0 * e;
  const int k = static_cast<int>(e4);
  if (static_cast<double>(k) == e4 && k > 0 && k <= 64) return power(sqrt_of(sqrt_of(x)), k);
  return pow_of(x, e);
}

// The twinned fraction Σ γtw/γchar of a state.
template <class V> inline V twinned(const PhenoPowerLaw& p, const V* state) {
  V f = splat<V>(0.0);
  for (int i = 0; i < p.n_tw; ++i) f += state[p.i_gamma_tw() + i] / p.gamma_char[i];
  return f;
}

// state_rate (phenopowerlaw.hpp) at stress Mp and `state`; with state0 (not null) the
// twin shear rates of the backward Euler step of length dt from it with f implicit.
template <class V>
void state_rate_of(const PhenoPowerLaw& p, const M3<V>& Mp, const V* state, V* dot, const V* state0, double dt) {
  const V zero = splat<V>(0.0);
  V gsl[kMaxSlip], gtw[kMaxTwin], drive[kMaxTwin];
  const V* xi_sl = state + p.i_xi_sl();
  for (int a = 0; a < p.n_sl; ++a) {
    const V tau = resolved_shear(&p.P_sl[9 * a], Mp);
    gsl[a] = p.dot_gamma_0_sl[a] * power(abs_of(tau) / xi_sl[a], p.n_sl_exp[a]);  // |γ̇|
  }
  const V sumF = twinned(p, state);
  const V* xi_tw = state + p.i_xi_tw();
  for (int b = 0; b < p.n_tw; ++b) {
    const V tau = resolved_shear(&p.P_tw[9 * b], Mp);
    const auto twins = tau > 0.0;
    const V pw = select(twins, power(tau / xi_tw[b], p.n_tw_exp[b]), zero);
    gtw[b] = select(twins, (1.0 - sumF) * p.dot_gamma_0_tw[b] * pw, zero);
    drive[b] = select(twins, p.dot_gamma_0_tw[b] * pw, zero);  // A = γ̇0 (τ/ξ)^n
  }
  // Slip resistance: the saturation factor belongs to the hardened system (v3.0.2).
  for (int a = 0; a < p.n_sl; ++a) {
    const V sat = 1.0 - xi_sl[a] / (p.xi_inf_sl[a] + p.f_sat_sl_tw[a] * sqrt_of(sumF));
    const V left = copysign_of(hardening_power(abs_of(sat), p.a_sl[a]), sat);
    V forest = zero, from_twins = zero;
    for (int b = 0; b < p.n_sl; ++b) forest += p.h_sl_sl(a, b) * gsl[b];
    for (int b = 0; b < p.n_tw; ++b) from_twins += p.h_sl_tw(a, b) * gtw[b];
    dot[p.i_xi_sl() + a] =
        p.h_0_sl_sl[a] * (1.0 + p.c_1[a] * hardening_power(sumF, p.c_2[a])) * left * forest + from_twins;
  }
  if (p.n_tw > 0) {
    V sum_gamma_sl = zero;
    for (int a = 0; a < p.n_sl; ++a) sum_gamma_sl += state[p.i_gamma_sl() + a];
    for (int b = 0; b < p.n_tw; ++b) {
      V by_slip = zero, by_twins = zero;
      for (int a = 0; a < p.n_sl; ++a) by_slip += p.h_tw_sl(b, a) * gsl[a];
      for (int c = 0; c < p.n_tw; ++c) by_twins += p.h_tw_tw(b, c) * gtw[c];
      dot[p.i_xi_tw() + b] = p.h_0_tw_sl[b] * hardening_power(sum_gamma_sl, p.c_3[b]) * by_slip +
                             p.h_0_tw_tw[b] * hardening_power(sumF, p.c_4[b]) * by_twins;
    }
  }
  for (int a = 0; a < p.n_sl; ++a) dot[p.i_gamma_sl() + a] = gsl[a];
  if (state0 && p.n_tw > 0) {
    V a = zero;
    for (int b = 0; b < p.n_tw; ++b) a += drive[b] / p.gamma_char[b];
    const V f = (twinned(p, state0) + dt * a) / (1.0 + dt * a);
    for (int b = 0; b < p.n_tw; ++b) dot[p.i_gamma_tw() + b] = (1.0 - f) * drive[b];
  } else {
    for (int b = 0; b < p.n_tw; ++b) dot[p.i_gamma_tw() + b] = gtw[b];
  }
}

}  // namespace mspipe::cp
