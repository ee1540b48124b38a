#include "cp/phenopowerlaw.hpp"

#include <cmath>

namespace mspipe::cp {

namespace {

// x^n for x >= 0; the exponents of the power law are usually integers, for which
// repeated squaring is exact and several times faster than pow().
inline double power(double x, double n) {
  const int k = static_cast<int>(n);
  if (static_cast<double>(k) == n && k >= 0 && k <= 64) {
    double r = 1.0, b = x;
    for (int e = k; e > 0; e >>= 1) {
      if (e & 1) r *= b;
      b *= b;
    }
    return r;
  }
  return std::pow(x, n);
}

// x^e for the hardening exponents (x >= 0): e = 0 and 1 (the defaults of c_1..c_4) and
// quarter integers such as a_sl = 2.25 without libm's pow (13 % of a Mg update's time
// went to pow): x^(k/4) = (x^(1/4))^k, within a few ulp of pow.
inline double hardening_power(double x, double e) {
  if (e == 1.0) return x;
  if (e == 0.0) return 1.0;
  const double e4 = 4.0 * e;
  const int k = static_cast<int>(e4);
  if (static_cast<double>(k) == e4 && k > 0 && k <= 64) return power(std::sqrt(std::sqrt(x)), k);
  return std::pow(x, e);
}

inline double resolved(const double* schmid, const Mat3& m) {
  const double* a = m.data();
  double t = 0;
  for (int i = 0; i < 9; ++i) t += a[i] * schmid[i];
  return t;
}

double twinned_fraction(const PhenoPowerLaw& p, const double* state) {
  double f = 0;
  const double* g = state + p.i_gamma_tw();
  for (int i = 0; i < p.n_tw; ++i) f += g[i] / p.gamma_char[i];
  return f;
}

}  // namespace

void initial_state(const PhenoPowerLaw& p, double* s) {
  for (int i = 0; i < p.n_sl; ++i) s[p.i_xi_sl() + i] = p.xi_0_sl[i];
  for (int i = 0; i < p.n_tw; ++i) s[p.i_xi_tw() + i] = p.xi_0_tw[i];
  for (int i = 0; i < p.n_sl; ++i) s[p.i_gamma_sl() + i] = 0.0;
  for (int i = 0; i < p.n_tw; ++i) s[p.i_gamma_tw() + i] = 0.0;
}

void lp_with_slopes(const PhenoPowerLaw& p, const Mat3& Mp, const double* state, Mat3& Lp,
                    double* dgamma_dtau) {
  Lp.setZero();
  const double* xi_sl = state + p.i_xi_sl();
  for (int a = 0; a < p.n_sl; ++a) {
    const double* P = &p.P_sl[9 * a];
    const double tau = resolved(P, Mp);
    const double x = std::fabs(tau) / xi_sl[a];
    const double xn = power(x, p.n_sl_exp[a]);
    const double rate = p.dot_gamma_0_sl[a] * xn;
    const double gdot = tau >= 0 ? rate : -rate;
    for (int i = 0; i < 9; ++i) Lp.data()[i] += gdot * P[i];
    // dγ̇/dτ = n |γ̇| / |τ| for either sign of τ.
    dgamma_dtau[a] = rate != 0.0 ? p.n_sl_exp[a] * rate / std::fabs(tau) : 0.0;
  }
  if (p.n_tw == 0) return;
  const double untwinned = 1.0 - twinned_fraction(p, state);
  const double* xi_tw = state + p.i_xi_tw();
  for (int b = 0; b < p.n_tw; ++b) {
    double& d = dgamma_dtau[p.n_sl + b];
    d = 0.0;
    const double* P = &p.P_tw[9 * b];
    const double tau = resolved(P, Mp);
    if (!(tau > 0.0)) continue;  // unidirectional: only a positive shear twins
    const double gdot = untwinned * p.dot_gamma_0_tw[b] * power(tau / xi_tw[b], p.n_tw_exp[b]);
    for (int i = 0; i < 9; ++i) Lp.data()[i] += gdot * P[i];
    if (gdot != 0.0) d = gdot * p.n_tw_exp[b] / tau;
  }
}

void lp_derivative(const PhenoPowerLaw& p, const double* dgamma_dtau, T4& dLp_dMp) {
  double acc[45] = {};
  for (int s = 0; s < p.n_sl + p.n_tw; ++s) {
    const double d = dgamma_dtau[s];
    if (d == 0.0) continue;
    const double* pp = &p.PP[45 * s];
    for (int k = 0; k < 45; ++k) acc[k] += d * pp[k];
  }
  for (int i = 0, k = 0; i < 9; ++i)
    for (int j = i; j < 9; ++j, ++k) dLp_dMp(i, j) = dLp_dMp(j, i) = acc[k];
}

void plastic_velocity_gradient(const PhenoPowerLaw& p, const Mat3& Mp, const double* state,
                               Mat3& Lp, T4* dLp_dMp) {
  double slope[kMaxSlip + kMaxTwin];
  lp_with_slopes(p, Mp, state, Lp, slope);
  if (dLp_dMp) lp_derivative(p, slope, *dLp_dMp);
}

void state_rate(const PhenoPowerLaw& p, const Mat3& Mp, const double* state, double* dot,
                const TwinStep* implicit_fraction) {
  double gsl[kMaxSlip], gtw[kMaxTwin], drive[kMaxTwin];
  const double* xi_sl = state + p.i_xi_sl();
  for (int a = 0; a < p.n_sl; ++a) {
    const double tau = resolved(&p.P_sl[9 * a], Mp);
    gsl[a] = p.dot_gamma_0_sl[a] * power(std::fabs(tau) / xi_sl[a], p.n_sl_exp[a]);  // |γ̇|
  }
  const double sumF = twinned_fraction(p, state);
  const double* xi_tw = state + p.i_xi_tw();
  for (int b = 0; b < p.n_tw; ++b) {
    const double tau = resolved(&p.P_tw[9 * b], Mp);
    const double pw = tau > 0.0 ? power(tau / xi_tw[b], p.n_tw_exp[b]) : 0.0;
    gtw[b] = tau > 0.0 ? (1.0 - sumF) * p.dot_gamma_0_tw[b] * pw : 0.0;
    drive[b] = tau > 0.0 ? p.dot_gamma_0_tw[b] * pw : 0.0;  // A = γ̇0 (τ/ξ)^n
  }
  // Slip resistance: the saturation factor belongs to the hardened system (v3.0.2).
  for (int a = 0; a < p.n_sl; ++a) {
    const double sat = 1.0 - xi_sl[a] / (p.xi_inf_sl[a] + p.f_sat_sl_tw[a] * std::sqrt(sumF));
    const double left = std::copysign(hardening_power(std::fabs(sat), p.a_sl[a]), sat);
    double forest = 0, from_twins = 0;
    for (int b = 0; b < p.n_sl; ++b) forest += p.h_sl_sl(a, b) * gsl[b];
    for (int b = 0; b < p.n_tw; ++b) from_twins += p.h_sl_tw(a, b) * gtw[b];
    dot[p.i_xi_sl() + a] =
        p.h_0_sl_sl[a] * (1.0 + p.c_1[a] * hardening_power(sumF, p.c_2[a])) * left * forest + from_twins;
  }
  if (p.n_tw > 0) {
    double sum_gamma_sl = 0;
    for (int a = 0; a < p.n_sl; ++a) sum_gamma_sl += state[p.i_gamma_sl() + a];
    for (int b = 0; b < p.n_tw; ++b) {
      double by_slip = 0, by_twins = 0;
      for (int a = 0; a < p.n_sl; ++a) by_slip += p.h_tw_sl(b, a) * gsl[a];
      for (int c = 0; c < p.n_tw; ++c) by_twins += p.h_tw_tw(b, c) * gtw[c];
      dot[p.i_xi_tw() + b] = p.h_0_tw_sl[b] * hardening_power(sum_gamma_sl, p.c_3[b]) * by_slip +
                             p.h_0_tw_tw[b] * hardening_power(sumF, p.c_4[b]) * by_twins;
    }
  }
  for (int a = 0; a < p.n_sl; ++a) dot[p.i_gamma_sl() + a] = gsl[a];
  if (implicit_fraction && p.n_tw > 0) {
    double a = 0;
    for (int b = 0; b < p.n_tw; ++b) a += drive[b] / p.gamma_char[b];
    const double dt = implicit_fraction->dt;
    const double f = (twinned_fraction(p, implicit_fraction->state0) + dt * a) / (1.0 + dt * a);
    for (int b = 0; b < p.n_tw; ++b) dot[p.i_gamma_tw() + b] = (1.0 - f) * drive[b];
  } else {
    for (int b = 0; b < p.n_tw; ++b) dot[p.i_gamma_tw() + b] = gtw[b];
  }
}

}  // namespace mspipe::cp
