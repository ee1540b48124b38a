#include "cp/material_point.hpp"

#include <cmath>

#include "cp/lanes.hpp"
#include "cp/phenopowerlaw.hpp"
#include "cp/phenopowerlaw_kinetics.hpp"

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

// S = C : ½(FeᵀFe − I), one point or lanes.
template <class V> M3<V> hooke(const T4& C, const M3<V>& Fe) {
  M3<V> E = matmul_tn(Fe, Fe);
  for (int i = 0; i < 9; ++i) E[i] = 0.5 * (E[i] - (i % 4 == 0 ? 1.0 : 0.0));
  M3<V> S;
  for (int ij = 0; ij < 9; ++ij) {
    V s = C(ij, 0) * E[0];
    for (int kl = 1; kl < 9; ++kl) s += C(ij, kl) * E[kl];
    S[ij] = s;
  }
  return S;
}

// Where the Newton loop on Lp ended, per lane.
template <class V> struct NewtonResult {
  M3<V> S{}, B{}, Lp{};  // at convergence: stress, I − Δt Lp, Lp
  MaskOf<V> converged{}, failed{};
};

// Newton–Raphson on the plastic velocity gradient (integrateStress) for the lanes in
// `active`, in lock-step: a lane that converges or fails is frozen while the others go on,
// and each lane takes exactly the steps (line search included) it would take alone.
// A = F Fp0⁻¹; xi and untwinned are the state's resistances and 1 − f; Lp_guess the first
// guess. `counts` has one entry per lane.
template <class V>
void newton_lp(const Phase& ph, const IntegrationNumerics& num, const M3<V>& A, double dt, const V* xi,
               V untwinned, M3<V> Lp_guess, MaskOf<V> active, NewtonResult<V>& out, UpdateCounts* counts) {
  using Mask = MaskOf<V>;
  constexpr int W = lane_count<V>;
  const Mask all = !Mask{};
  const V zero = splat<V>(0.0), one = splat<V>(1.0);
  M3<V> Lp_old = Lp_guess, dLp, B, Fe, S, Lp_c, res;
  dLp.fill(zero);
  V rn_old = zero, step = one;
  V slope[kMaxSlip + kMaxTwin];
  std::array<V, 81> dLp_dS, dS_dLp, J;
  Mask done = !active;
  for (int it = 1;; ++it) {
    const Mask run = !done;
    if (!any(run)) return;
    if (it > num.n_iter_Lp) {
      out.failed = out.failed || run;
      return;
    }
    for (int l = 0; l < W; ++l) counts[l].newton_iterations += lane(run, l);
    for (int i = 0; i < 9; ++i) B[i] = (i % 4 == 0 ? 1.0 : 0.0) - dt * Lp_guess[i];
    Fe = matmul(A, B);
    S = hooke(ph.C, Fe);
    // dLp/dS only once the residual asks for a Newton step: the converged iterate and
    // the line search's trials never use it.
    lp_and_slopes(ph.plastic, S, xi, untwinned, Lp_c, slope);
    const V atol = max_of(num.eps_rel_Lp * max_of(norm(Lp_guess), norm(Lp_c)), splat<V>(num.eps_abs_Lp));
    for (int i = 0; i < 9; ++i) res[i] = Lp_guess[i] - Lp_c[i];
    const V rn = norm(res);
    const Mask nan = rn != rn;
    const Mask conv = run && !nan && rn < atol;
    out.failed = out.failed || (run && nan);
    out.converged = out.converged || conv;
    out.S = select<V>(conv, S, out.S);
    out.B = select<V>(conv, B, out.B);
    out.Lp = select<V>(conv, Lp_guess, out.Lp);
    done = done || nan || conv;
    const Mask go = run && !nan && !conv;
    const Mask accept = go && (it == 1 ? all : rn < rn_old);
    const Mask back = go && !accept;
    rn_old = select(accept, rn, rn_old);
    Lp_old = select<V>(accept, Lp_guess, Lp_old);
    step = select(accept, one, select(back, step * num.r_linesearch_Lp, step));
    for (int i = 0; i < 9; ++i) Lp_guess[i] = select(back, Lp_old[i] + step * dLp[i], Lp_guess[i]);
    if (!any(accept)) continue;
    lp_slope_derivative(ph.plastic, slope, dLp_dS);
    // dR/dLp = I − dLp/dS · dS/dLp with, from Fe = A (I − dt Lp) and S = C : E(Fe),
    // dS_ij/dLp_kl = −dt Σn C_ijln G_kn, G = Aᵀ Fe (C has minor symmetry).
    const M3<V> G = matmul_tn(A, Fe);
    for (int ij = 0; ij < 9; ++ij)
      for (int k = 0; k < 3; ++k)
        for (int l = 0; l < 3; ++l)
          dS_dLp[9 * ij + 3 * k + l] = -dt * (ph.C(ij, 3 * l) * G[3 * k] + ph.C(ij, 3 * l + 1) * G[3 * k + 1] +
                                              ph.C(ij, 3 * l + 2) * G[3 * k + 2]);
    for (int i = 0; i < 9; ++i)
      for (int j = 0; j < 9; ++j) {
        V s = dLp_dS[9 * i] * dS_dLp[j];
        for (int k = 1; k < 9; ++k) s += dLp_dS[9 * i + k] * dS_dLp[9 * k + j];
        J[9 * i + j] = (i == j ? 1.0 : 0.0) - s;
      }
    // The 9x9 solve lane by lane: partial pivoting picks its rows per lane.
    for (int l = 0; l < W; ++l) {
      if (!lane(accept, l)) continue;
      ++counts[l].lp_jacobians;
      T4 Jl;
      Vec9 rl;
      for (int e = 0; e < 81; ++e) Jl.data()[e] = lane(J[e], l);
      for (int i = 0; i < 9; ++i) rl[i] = lane(res[i], l);
      const Eigen::PartialPivLU<T4> lu(Jl);
      if (!(std::fabs(lu.determinant()) > 0)) {
        set_lane(out.failed, l, true);
        set_lane(done, l, true);
        continue;
      }
      const Vec9 d = -lu.solve(rl);
      for (int i = 0; i < 9; ++i) {
        set_lane(dLp[i], l, d[i]);
        set_lane(Lp_guess[i], l, lane(Lp_guess[i], l) + lane(step, l) * d[i]);
      }
    }
  }
}

struct StressResult {
  Mat3 S, Lp, Fp, P;
};

// The rest of integrateStress once Lp has converged: Fp and P.
bool plastic_deformation(const Mat3& F, const Mat3& invFp0, const Mat3& B, const Mat3& S, const Mat3& Lp,
                         StressResult& out) {
  const Mat3 invFp = invFp0 * B;
  const double det_inv = invFp.determinant();
  if (!(std::fabs(det_inv) > 0)) return false;
  const Mat3 Fp = invFp.inverse();
  out.P = F * invFp * S * invFp.transpose();
  out.S = S;
  out.Lp = Lp;
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

// One point's stress and state integration over one (sub-)step.
struct StepLane {
  Mat3 F, invFp0;           // F at the end of the step; Fp⁻¹ at its start
  const double* state0;     // the state at its start
  const double* rate_state; // where the first state rate is taken (with S)
  double* state;            // the state at its end (out)
  Mat3 S, Lp;               // in: the first rate's stress, Lp's first guess; out: the last ones
  StressResult sr;          // on success
  UpdateCounts counts;
  bool ok = false;
};

// integrateStateFPI: backward Euler on the state, fixed point with DAMASK's damper, for
// n ≤ lane_count<V> points over one step of length dt. The points still iterating take
// their stress integrations (newton_lp) and state rates together, one per lane; the damper
// and the convergence test go point by point.
template <class V>
void integrate_state(const Phase& ph, const IntegrationNumerics& num, double dt, StepLane* lanes, int n) {
  using Mask = MaskOf<V>;
  constexpr int W = lane_count<V>;
  const auto& pp = ph.plastic;
  const int ns = pp.state_size(), nxi = pp.n_sl + pp.n_tw;
  double dot[W][kMaxState], last1[W][kMaxState], last2[W][kMaxState];
  bool stress_ok[W] = {};
  // Lane l's own point where it is in `which`; the other lanes (and those past n) carry
  // the first such point's values, computed and discarded.
  auto source = [&](Mask which, int l) {
    if (l < n && lane(which, l)) return l;
    int first = 0;
    while (!lane(which, first)) ++first;
    return first;
  };
  // The start of the step does not change over the iteration: gathered once.
  V state0[kMaxState] = {};
  for (int l = 0; l < W; ++l)
    for (int i = 0; i < ns; ++i) set_lane(state0[i], l, lanes[l < n ? l : 0].state0[i]);
  // The state rates of the lanes in `which` at their S and state_of(l).
  auto rates = [&](Mask which, auto state_of) {
    M3<V> S;
    V state[kMaxState] = {}, d[kMaxState];
    for (int l = 0; l < W; ++l) {
      const int src = source(which, l);
      set_lane_matrix(S, l, lanes[src].S);
      const double* st = state_of(src);
      for (int i = 0; i < ns; ++i) set_lane(state[i], l, st[i]);
    }
    state_rate_of<V>(pp, S, state, d, num.implicit_twin_fraction ? state0 : nullptr, dt);
    for (int l = 0; l < n; ++l)
      if (lane(which, l))
        for (int i = 0; i < ns; ++i) dot[l][i] = lane(d[i], l);
  };
  Mask running{};
  for (int l = 0; l < n; ++l) set_lane(running, l, true);
  rates(running, [&](int l) { return lanes[l].rate_state; });
  M3<V> A;
  for (int l = 0; l < W; ++l) {
    const StepLane& p = lanes[l < n ? l : 0];
    set_lane_matrix(A, l, p.F * p.invFp0);
    if (l >= n) continue;
    StepLane& q = lanes[l];
    q.ok = false;
    bool finite = true;
    for (int i = 0; i < ns; ++i) {
      finite = finite && !std::isnan(dot[l][i]);
      q.state[i] = q.state0[i] + dot[l][i] * dt;
    }
    set_lane(running, l, finite);
  }
  for (int it = 1; it <= num.n_iter_state && any(running); ++it) {
    V xi[kMaxSlip + kMaxTwin], untwinned = splat<V>(1.0);
    M3<V> Lp_guess;
    for (int l = 0; l < W; ++l) {
      const StepLane& p = lanes[source(running, l)];
      if (l < n && lane(running, l)) {
        ++lanes[l].counts.state_iterations;
        for (int i = 0; i < ns; ++i) {
          last2[l][i] = it > 1 ? last1[l][i] : 0.0;
          last1[l][i] = dot[l][i];
        }
      }
      for (int i = 0; i < nxi; ++i) set_lane(xi[i], l, p.state[pp.i_xi_sl() + i]);
      if (pp.n_tw > 0) set_lane(untwinned, l, 1.0 - twinned(pp, p.state));
      set_lane_matrix(Lp_guess, l, p.Lp);
    }
    NewtonResult<V> nr;
    UpdateCounts newton[W];
    newton_lp<V>(ph, num, A, dt, xi, untwinned, Lp_guess, running, nr, newton);
    for (int l = 0; l < n; ++l) {
      if (!lane(running, l)) continue;
      StepLane& p = lanes[l];
      p.counts += newton[l];
      stress_ok[l] = lane(nr.converged, l) &&
                     plastic_deformation(p.F, p.invFp0, lane_matrix(nr.B, l), lane_matrix(nr.S, l),
                                         lane_matrix(nr.Lp, l), p.sr);
      set_lane(running, l, stress_ok[l]);
      if (!stress_ok[l]) continue;
      p.S = p.sr.S;
      p.Lp = p.sr.Lp;
    }
    if (!any(running)) break;
    rates(running, [&](int l) { return static_cast<const double*>(lanes[l].state); });
    for (int l = 0; l < n; ++l) {
      if (!lane(running, l)) continue;
      StepLane& p = lanes[l];
      double* d = dot[l];
      bool finite = true;
      for (int i = 0; i < ns; ++i) finite = finite && !std::isnan(d[i]);
      if (!finite) {
        stress_ok[l] = false;
        set_lane(running, l, false);
        continue;
      }
      const double zeta = damper(d, last1[l], last2[l], ns);
      bool converged = true;
      for (int i = 0; i < ns; ++i) {
        d[i] = d[i] * zeta + last1[l][i] * (1.0 - zeta);
        const double r = p.state[i] - p.state0[i] - d[i] * dt;
        p.state[i] -= r;
        const bool is_xi = i < nxi;
        const double atol = is_xi ? pp.atol_xi : pp.atol_gamma;
        if (!(std::fabs(r) <= std::max(atol, num.eps_rel_state * std::fabs(p.state[i])))) converged = false;
      }
      if (converged) {
        p.ok = true;
        set_lane(running, l, false);
      }
    }
  }
  for (int l = 0; l < n; ++l) {
    if (!lane(running, l)) continue;
    // As in DAMASK v3.0.2, running out of state iterations after a successful stress
    // integration is not reported as a failure.
    ++lanes[l].counts.state_unconverged;
    lanes[l].ok = stress_ok[l];
  }
}

// The elastic predictor: the trial stress of the whole step at Lp = 0. True (with the
// result in `sr` and the state in `state`) where the power law's Lp there passes the
// Newton loop's test from Lp = 0, |Lp| < eps_abs_Lp: S and P are then exactly what that
// Newton would return, and the state's backward Euler step, state0 + ṡ·dt with ṡ from
// rates below the Lp tolerance, moves less than its own tolerances.
bool elastic_trial(const Phase& ph, const IntegrationNumerics& num, const Mat3& F, const Mat3& Fp0,
                   const double* state0, double dt, double* state, StressResult& sr) {
  const Mat3 invFp = Fp0.inverse();
  const Mat3 S = lane_matrix(hooke(ph.C, m3(F * invFp)), 0);
  Mat3 Lp_c;
  double slope[kMaxSlip + kMaxTwin];
  lp_with_slopes(ph.plastic, S, state0, Lp_c, slope);
  if (!(norm(m3(Lp_c)) < num.eps_abs_Lp)) return false;
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

void store_result(const StressResult& sr, const PointRef& pt, Mat3& P) {
  store(sr.Fp, pt.Fp);
  store(sr.Lp, pt.Lp);
  store(sr.S, pt.S);
  P = sr.P;
}

// A point whose previous iterate was elastic and whose trial stress stays elastic.
bool elastic_step(const Phase& ph, const IntegrationNumerics& num, const Mat3& F_end, double dt,
                  const PointRef& pt, Mat3& P) {
  StressResult sr;
  if (!(num.elastic_predictor && load(pt.Lp).isZero(0.0) &&
        elastic_trial(ph, num, F_end, load(pt.Fp0), pt.state0, dt, pt.state, sr)))
    return false;
  store_result(sr, pt, P);
  return true;
}

// The first try of a step (update_point's: the whole step, as the sub-stepping starts as
// if a step of 1/r_cutback had failed), set up for integrate_state over `step` of the
// step; `state` receives the state, and the point's history is not touched.
StepLane first_try(const IntegrationNumerics& num, const Mat3& F_end, const PointRef& pt, double* state,
                   double& step) {
  step = (1.0 / num.r_cutback) * num.r_cutback;
  const Mat3 F0 = load(pt.F0);
  StepLane s;
  s.F = F0 + step * (F_end - F0);
  s.invFp0 = load(pt.Fp0).inverse();
  s.state0 = pt.state0;
  s.rate_state = num.warm_state ? pt.state : pt.state0;
  s.state = state;
  s.S = load(num.warm_state ? pt.S : pt.S0);
  s.Lp = load(step < 1.0 ? pt.Lp0 : pt.Lp);
  return s;
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
      StepLane s;
      s.F = F;
      s.invFp0 = Fp0.inverse();
      s.state0 = state0;
      s.rate_state = warm ? state_prev : pt.state;
      s.state = pt.state;
      s.S = S;
      s.Lp = Lp;
      ++counts.substeps;
      integrate_state<double>(ph, num, step * dt, &s, 1);
      counts += s.counts;
      ok = s.ok;
      sr = s.sr;
      warm = false;
      if (ok) {
        S = sr.S;
        Lp = sr.Lp;
      } else {
        Lp = s.Lp;  // DAMASK keeps the last Lp iterate as the next guess
      }
    }
  }
  if (!ok) {
    for (int i = 0; i < n; ++i) pt.state[i] = state0[i];
    return false;
  }
  store_result(sr, pt, P);
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
                         double dt, const PointRef& pt, Mat3& P, T4* dPdF, UpdateCounts* counts) {
  bool ok = false;
  constitutive_update_lanes(ph, num, 1, &F_end, dt, &pt, &P, &dPdF, &ok, counts);
  return ok;
}

void constitutive_update_lanes(const Phase& ph, const IntegrationNumerics& num, int n, const Mat3* F_end,
                               double dt, const PointRef* pts, Mat3* P, T4* const* dPdF, bool* ok,
                               UpdateCounts* counts_out) {
  UpdateCounts counts;
  counts.updates = n;
  StepLane lanes[kLanes];
  int point[kLanes];
  double state[kLanes][kMaxState];
  double step = 1.0;
  int m = 0;
  for (int i = 0; i < n; ++i) {
    ok[i] = elastic_step(ph, num, F_end[i], dt, pts[i], P[i]);
    if (ok[i]) {
      ++counts.elastic;
      continue;
    }
    lanes[m] = first_try(num, F_end[i], pts[i], state[m], step);
    if (step == 1.0) {
      point[m++] = i;
    } else {
      // r_cutback whose reciprocal does not round back to 1: the sub-stepping starts below
      // the whole step (or not at all) and goes on from there, point by point.
      ok[i] = update_point(ph, num, F_end[i], dt, pts[i], P[i], counts);
    }
  }
  if (m > 1 && num.lockstep) {
    integrate_state<Lanes>(ph, num, step * dt, lanes, m);
  } else {
    for (int j = 0; j < m; ++j) integrate_state<double>(ph, num, step * dt, &lanes[j], 1);
  }
  for (int j = 0; j < m; ++j) {
    const int i = point[j];
    const StepLane& s = lanes[j];
    if (s.ok) {
      ++counts.substeps;
      counts += s.counts;
      for (int k = 0; k < ph.plastic.state_size(); ++k) pts[i].state[k] = state[j][k];
      store_result(s.sr, pts[i], P[i]);
      ok[i] = true;
    } else {
      // Sub-stepping from the start, point by point: its first try repeats this one (and
      // fails alike); its work is counted there.
      ok[i] = update_point(ph, num, F_end[i], dt, pts[i], P[i], counts);
    }
  }
  for (int i = 0; i < n; ++i) {
    if (!ok[i] || !dPdF[i]) continue;
    consistent_tangent(ph, F_end[i], dt, pts[i], *dPdF[i]);
    ++counts.tangents;
  }
  if (counts_out) *counts_out += counts;
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
