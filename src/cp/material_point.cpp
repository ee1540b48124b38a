#include "cp/material_point.hpp"

#include <cmath>

#include "cp/phenopowerlaw.hpp"

namespace mspipe::cp {

namespace {

constexpr int kMaxState = 2 * (kMaxSlip + kMaxTwin);

inline Mat3 load(const double* p) { return Eigen::Map<const Mat3>(p); }
inline void store(const Mat3& m, double* p) {
  Eigen::Map<Mat3> dst(p);
  dst = m;
}

// dS/dFe for S = C : ½(FeᵀFe − I): dS_ij/dFe_kl = Fe_km C_ijml.
T4 dS_dFe(const T4& C, const Mat3& Fe) {
  T4 d;
  for (int ij = 0; ij < 9; ++ij)
    for (int k = 0; k < 3; ++k)
      for (int l = 0; l < 3; ++l) {
        double s = 0;
        for (int m = 0; m < 3; ++m) s += Fe(k, m) * C(ij, 3 * m + l);
        d(ij, 3 * k + l) = s;
      }
  return d;
}

Mat3 hooke(const T4& C, const Mat3& Fe) {
  const Mat3 E = 0.5 * (Fe.transpose() * Fe - Mat3::Identity());
  return ddot(C, E);
}

struct StressResult {
  Mat3 S, Lp, Fp, P;
};

// Newton–Raphson on the plastic velocity gradient (integrateStress). Lp enters as the
// first guess.
bool integrate_stress(const Phase& ph, const IntegrationNumerics& num, const Mat3& F,
                      const Mat3& Fp0, double dt, const double* state, Mat3 Lp_guess,
                      StressResult& out, UpdateCounts& counts) {
  const Mat3 invFp0 = Fp0.inverse();
  const Mat3 A = F * invFp0;
  Mat3 Lp_old = Lp_guess, res_old = Mat3::Zero(), dLp = Mat3::Zero();
  double step = 1.0;
  Mat3 B, Fe, S, Lp_c;
  T4 dLp_dS;
  double slope[kMaxSlip + kMaxTwin];
  for (int it = 1;; ++it) {
    if (it > num.n_iter_Lp) return false;
    ++counts.newton_iterations;
    B = Mat3::Identity() - dt * Lp_guess;
    Fe = A * B;
    S = hooke(ph.C, Fe);
    // dLp/dS only once the residual asks for a Newton step: the converged iterate and
    // the line search's trials never use it.
    lp_with_slopes(ph.plastic, S, state, Lp_c, slope);
    const double atol =
        std::max(num.eps_rel_Lp * std::max(Lp_guess.norm(), Lp_c.norm()), num.eps_abs_Lp);
    const Mat3 res = Lp_guess - Lp_c;
    const double rn = res.norm();
    if (std::isnan(rn)) return false;
    if (rn < atol) break;
    if (it == 1 || rn < res_old.norm()) {
      res_old = res;
      Lp_old = Lp_guess;
      step = 1.0;
    } else {
      step *= num.r_linesearch_Lp;
      Lp_guess = Lp_old + step * dLp;
      continue;
    }
    ++counts.lp_jacobians;
    lp_derivative(ph.plastic, slope, dLp_dS);
    // dR/dLp = I − dLp/dS · dS/dLp with, from Fe = A (I − dt Lp) and S = C : E(Fe),
    // dS_ij/dLp_kl = −dt Σn C_ijln G_kn, G = Aᵀ Fe (C has minor symmetry).
    const Mat3 G = A.transpose() * Fe;
    T4 dS_dLp;
    for (int ij = 0; ij < 9; ++ij)
      for (int k = 0; k < 3; ++k)
        for (int l = 0; l < 3; ++l)
          dS_dLp(ij, 3 * k + l) = -dt * (ph.C(ij, 3 * l) * G(k, 0) + ph.C(ij, 3 * l + 1) * G(k, 1) +
                                         ph.C(ij, 3 * l + 2) * G(k, 2));
    T4 J = T4::Identity();
    J.noalias() -= dLp_dS * dS_dLp;
    Eigen::PartialPivLU<T4> lu(J);
    if (!(std::fabs(lu.determinant()) > 0)) return false;
    dLp = -unflat(lu.solve(flat(res)));
    Lp_guess = Lp_guess + step * dLp;
  }
  const Mat3 invFp = invFp0 * B;
  const double det_inv = invFp.determinant();
  if (!(std::fabs(det_inv) > 0)) return false;
  const Mat3 Fp = invFp.inverse();
  out.P = F * invFp * S * invFp.transpose();
  out.S = S;
  out.Lp = Lp_guess;
  out.Fp = Fp / std::cbrt(Fp.determinant());
  return true;
}

double damper(const double* w0, const double* w1, const double* w2, int n) {
  double d01 = 0, d12 = 0, d22 = 0;
  for (int i = 0; i < n; ++i) {
    d01 += w0[i] * w1[i];
    d12 += (w0[i] - w1[i]) * (w1[i] - w2[i]);
    d22 += (w1[i] - w2[i]) * (w1[i] - w2[i]);
  }
  if (std::min(d01, d12) < 0.0 && d22 > 0.0) return 0.75 + 0.25 * std::tanh(2.0 + 4.0 * d12 / d22);
  return 1.0;
}

// integrateStateFPI: backward Euler on the state, fixed point with DAMASK's damper.
// `S` (in/out) and `rate_state` are where the first state rate is taken (the stress and
// state of the latest integration), `state` in/out, Lp in/out (first guess).
bool integrate_state(const Phase& ph, const IntegrationNumerics& num, const Mat3& F,
                     const Mat3& Fp0, const double* state0, double dt, const double* rate_state,
                     double* state, Mat3& S, Mat3& Lp, StressResult& sr, UpdateCounts& counts) {
  const auto& pp = ph.plastic;
  const int n = pp.state_size();
  double dot[kMaxState], last1[kMaxState], last2[kMaxState];
  const TwinStep step{state0, dt};
  const TwinStep* implicit_f = num.implicit_twin_fraction ? &step : nullptr;
  state_rate(pp, S, rate_state, dot, implicit_f);
  for (int i = 0; i < n; ++i) {
    if (std::isnan(dot[i])) return false;
    state[i] = state0[i] + dot[i] * dt;
  }
  bool ok = false;
  for (int it = 1; it <= num.n_iter_state; ++it) {
    ++counts.state_iterations;
    for (int i = 0; i < n; ++i) {
      last2[i] = it > 1 ? last1[i] : 0.0;
      last1[i] = dot[i];
    }
    ok = integrate_stress(ph, num, F, Fp0, dt, state, Lp, sr, counts);
    if (!ok) return false;
    S = sr.S;
    Lp = sr.Lp;
    state_rate(pp, S, state, dot, implicit_f);
    for (int i = 0; i < n; ++i)
      if (std::isnan(dot[i])) return false;
    const double zeta = damper(dot, last1, last2, n);
    bool converged = true;
    for (int i = 0; i < n; ++i) {
      dot[i] = dot[i] * zeta + last1[i] * (1.0 - zeta);
      const double r = state[i] - state0[i] - dot[i] * dt;
      state[i] -= r;
      const bool is_xi = i < pp.n_sl + pp.n_tw;
      const double atol = is_xi ? pp.atol_xi : pp.atol_gamma;
      if (!(std::fabs(r) <= std::max(atol, num.eps_rel_state * std::fabs(state[i]))))
        converged = false;
    }
    if (converged) return true;
  }
  ++counts.state_unconverged;
  // As in DAMASK v3.0.2, running out of state iterations after a successful stress
  // integration is not reported as a failure.
  return ok;
}

// The elastic predictor: the trial stress of the whole step at Lp = 0. True (with the
// result in `sr` and the state in `state`) where the power law's Lp there passes the
// Newton loop's test from Lp = 0, |Lp| < eps_abs_Lp: S and P are then exactly what that
// Newton would return, and the state's backward Euler step, state0 + ṡ·dt with ṡ from
// rates below the Lp tolerance, moves less than its own tolerances.
bool elastic_trial(const Phase& ph, const IntegrationNumerics& num, const Mat3& F, const Mat3& Fp0,
                   const double* state0, double dt, double* state, StressResult& sr) {
  const Mat3 invFp = Fp0.inverse();
  const Mat3 S = hooke(ph.C, F * invFp);
  Mat3 Lp_c;
  double slope[kMaxSlip + kMaxTwin];
  lp_with_slopes(ph.plastic, S, state0, Lp_c, slope);
  if (!(Lp_c.norm() < num.eps_abs_Lp)) return false;
  const int n = ph.plastic.state_size();
  double dot[kMaxState];
  state_rate(ph.plastic, S, state0, dot);
  for (int i = 0; i < n; ++i) state[i] = state0[i] + dot[i] * dt;
  // Not Fp0 itself: the Newton path inverts invFp0 (I - Lp dt) = invFp0 at Lp = 0, and
  // Fp0^-1^-1 differs from Fp0 in the last bits; this keeps the two paths bit-identical.
  const Mat3 Fp = invFp.inverse();
  sr.P = F * invFp * S * invFp.transpose();
  sr.S = S;
  sr.Lp = Mat3::Zero();
  sr.Fp = Fp / std::cbrt(Fp.determinant());
  return true;
}

// Stress and state over the whole step with DAMASK's sub-stepping
// (phase_mechanical_constitutive); writes the point's history and P.
bool update_point(const Phase& ph, const IntegrationNumerics& num, const Mat3& F_end, double dt,
                  const PointRef& pt, Mat3& P, UpdateCounts& counts) {
  const int n = ph.plastic.state_size();
  const Mat3 F0_inc = load(pt.F0);
  Mat3 F0 = F0_inc, Fp0 = load(pt.Fp0), Lp0 = load(pt.Lp0), F = F0;
  double state0[kMaxState];
  for (int i = 0; i < n; ++i) state0[i] = pt.state0[i];
  Mat3 S = load(pt.S0), Lp = load(pt.Lp);
  // Warm start: the first try of the whole step takes its first state rate at the previous
  // iterate's stress and state (DAMASK: at the start of the increment's stress).
  bool warm = num.warm_state;
  double state_prev[kMaxState];
  for (int i = 0; i < n; ++i) state_prev[i] = pt.state[i];
  const Mat3 S_prev = load(pt.S);
  StressResult sr;
  if (num.elastic_predictor && Lp.isZero(0.0) &&
      elastic_trial(ph, num, F_end, Fp0, state0, dt, pt.state, sr)) {
    ++counts.elastic;
    store(sr.Fp, pt.Fp);
    store(sr.Lp, pt.Lp);
    store(sr.S, pt.S);
    P = sr.P;
    return true;
  }
  // Sub-stepping (phase_mechanical_constitutive): start as if a step of 1/r_cutback failed.
  double frac = 0.0, step = 1.0 / num.r_cutback;
  bool ok = false, todo = true;
  while (todo) {
    if (ok) {
      frac += step;
      step = std::min(1.0 - frac, num.r_increase * step);
      todo = step > 0.0;
      if (todo) {
        F0 = F;
        Lp0 = sr.Lp;
        Fp0 = sr.Fp;
        for (int i = 0; i < n; ++i) state0[i] = pt.state[i];
      }
    } else {
      step *= num.r_cutback;
      S = warm ? S_prev : load(pt.S0);
      if (step < 1.0) Lp = Lp0;
      for (int i = 0; i < n; ++i) pt.state[i] = state0[i];
      todo = step > num.r_cutback_min;
    }
    if (todo) {
      F = F0 + step * (F_end - F0_inc);
      Mat3 S_it = S, Lp_it = Lp;
      ++counts.substeps;
      ok = integrate_state(ph, num, F, Fp0, state0, step * dt, warm ? state_prev : pt.state, pt.state,
                           S_it, Lp_it, sr, counts);
      warm = false;
      if (ok) {
        S = sr.S;
        Lp = sr.Lp;
      } else {
        Lp = Lp_it;  // DAMASK keeps the last Lp iterate as the next guess
      }
    }
  }
  if (!ok) {
    for (int i = 0; i < n; ++i) pt.state[i] = state0[i];
    return false;
  }
  store(sr.Fp, pt.Fp);
  store(sr.Lp, pt.Lp);
  store(sr.S, pt.S);
  P = sr.P;
  return true;
}

}  // namespace

void initial_point(const Phase& phase, const Mat3& R, double* Fp, double* Lp, double* S,
                   double* state) {
  store(R, Fp);
  store(Mat3::Zero(), Lp);
  store(Mat3::Zero(), S);
  initial_state(phase.plastic, state);
}

bool constitutive_update(const Phase& ph, const IntegrationNumerics& num, const Mat3& F_end,
                         double dt, const PointRef& pt, Mat3& P, T4* dPdF, UpdateCounts* counts_out) {
  UpdateCounts counts;
  counts.updates = 1;
  const bool ok = update_point(ph, num, F_end, dt, pt, P, counts);
  if (ok && dPdF) {
    consistent_tangent(ph, F_end, dt, pt, *dPdF);
    ++counts.tangents;
  }
  if (counts_out) *counts_out += counts;
  return ok;
}

void consistent_tangent(const Phase& ph, const Mat3& F_end, double dt, const PointRef& pt, T4& D) {
  const Mat3 S = load(pt.S);
  const Mat3 invFp = load(pt.Fp).inverse();
  const Mat3 invFp0_inc = load(pt.Fp0).inverse();
  // Fe as the stress integration formed it, F Fp0⁻¹ (I − Δt Lp), where the step was not
  // sub-stepped (that product then equals the stored Fp⁻¹ up to Fp's normalisation): the
  // tangent is then bit for bit the one of the integration, so ties between cells of equal
  // stiffness (DAMASK's stiffest/softest pick) fall as they did. Otherwise F Fp⁻¹.
  const Mat3 invFp_step = invFp0_inc * (Mat3::Identity() - dt * load(pt.Lp));
  const bool whole_step = (invFp_step - invFp).cwiseAbs().maxCoeff() <= 1e-12 * invFp.cwiseAbs().maxCoeff();
  const T4 dSdFe = dS_dFe(ph.C, F_end * (whole_step ? invFp_step : invFp));
  Mat3 Lp_dummy;
  T4 dLpdS;
  plastic_velocity_gradient(ph.plastic, S, pt.state, Lp_dummy, &dLpdS);
  const Mat3 t1 = invFp.transpose();
  const Mat3 t2 = F_end * invFp0_inc;
  T4 rhs, tmp;
  for (int po = 0; po < 9; ++po)
    for (int k = 0; k < 3; ++k)
      for (int l = 0; l < 3; ++l) {
        double s = 0;
        for (int m = 0; m < 3; ++m) s += dSdFe(po, 3 * k + m) * t1(m, l);
        rhs(po, 3 * k + l) = s;
      }
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int po = 0; po < 9; ++po) {
        double s = 0;
        for (int m = 0; m < 3; ++m) s += t2(i, m) * dLpdS(3 * m + j, po);
        tmp(3 * i + j, po) = s;
      }
  const T4 lhs = T4::Identity() + dt * (dSdFe * tmp);
  Eigen::PartialPivLU<T4> lu(lhs);
  const T4 dSdF = std::fabs(lu.determinant()) > 0 ? T4(lu.solve(rhs)) : rhs;
  const T4 t3333 = dLpdS * dSdF;
  T4 dFpinv;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int po = 0; po < 9; ++po) {
        double s = 0;
        for (int m = 0; m < 3; ++m) s += invFp0_inc(i, m) * t3333(3 * m + j, po);
        dFpinv(3 * i + j, po) = -dt * s;
      }
  const Mat3 S1 = S * invFp.transpose();
  const Mat3 FinvFp = F_end * invFp;
  const Mat3 FinvFpS = FinvFp * S;
  const Mat3 diag = (invFp * S1).transpose();
  D.setZero();
  for (int p = 0; p < 3; ++p)
    for (int j = 0; j < 3; ++j)
      for (int l = 0; l < 3; ++l) D(3 * p + j, 3 * p + l) = diag(j, l);
  for (int po = 0; po < 9; ++po) {
    const Mat3 dFpi = unflat(dFpinv.col(po));
    const Mat3 dS = unflat(dSdF.col(po));
    const Mat3 add = F_end * dFpi * S1 + FinvFp * dS * invFp.transpose() + FinvFpS * dFpi.transpose();
    for (int ij = 0; ij < 9; ++ij) D(ij, po) += add.data()[ij];
  }
}

}  // namespace mspipe::cp
