// The phenopowerlaw material point: elastic response, consistent tangent, kinetics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "cp/material_point.hpp"
#include "cp/phenopowerlaw.hpp"
#include "texture/quaternion.hpp"

using namespace mspipe;
using namespace mspipe::cp;

namespace {

// A material point with its own storage, reset to the undeformed state.
struct Point {
  explicit Point(const Phase& ph, const Mat3& R) : n(ph.plastic.state_size()) {
    for (auto* v : {&Fp, &Lp, &S, &F0, &Fp0, &Lp0, &S0}) v->assign(9, 0.0);
    state.assign(n, 0.0);
    state0.assign(n, 0.0);
    initial_point(ph, R, Fp.data(), Lp.data(), S.data(), state.data());
    Fp0 = Fp;
    state0 = state;
    F0 = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  }
  PointRef ref() {
    return {Fp.data(), Lp.data(), S.data(), state.data(), F0.data(), Fp0.data(),
            Lp0.data(), S0.data(), state0.data()};
  }
  int n;
  std::vector<double> Fp, Lp, S, state, F0, Fp0, Lp0, S0, state0;
};

Phase copper(double xi0 = 1.6e6, double h0 = 0.35e9) {
  auto spec = preset_phase("Cu");
  spec.plastic["xi_0_sl"] = {xi0};
  spec.plastic["h_0_sl-sl"] = {h0};
  return make_phase(spec);
}

}  // namespace

TEST(MaterialPoint, ElasticResponseIsHookeInTheRotatedFrame) {
  const Phase cu = copper(1e15);  // no slip at any stress reached here
  const Mat3 R = rotation_matrix(texture::from_bunge_deg(30, 40, 50));
  Point pt(cu, R);
  Mat3 F;
  F << 1.001, 0.0004, 0, -0.0002, 0.9995, 0.0003, 0.0001, 0, 1.0008;
  Mat3 P;
  ASSERT_TRUE(constitutive_update(cu, {}, F, 0.5, pt.ref(), P, nullptr));
  // Exact: Fe = F Rᵀ, S = C:½(FeᵀFe − I) in the crystal frame, P = Fe S R.
  const Mat3 Fe = F * R.transpose();
  const Mat3 S = ddot(cu.C, 0.5 * (Fe.transpose() * Fe - Mat3::Identity()));
  const Mat3 expected = Fe * S * R;
  EXPECT_LT((P - expected).norm(), 1e-9 * expected.norm());
  // Small strain: P ≈ C_lab : ε with C_lab the stiffness rotated to the lab frame.
  const T4 C_lab = rotate(R.transpose(), cu.C);
  const Mat3 eps = 0.5 * (F + F.transpose()) - Mat3::Identity();
  EXPECT_LT((P - ddot(C_lab, eps)).norm(), 5e-3 * P.norm());
}

TEST(MaterialPoint, ElasticTangentIsRotatedStiffnessAtRest) {
  const Phase cu = copper();
  const Mat3 R = rotation_matrix(texture::from_bunge_deg(10, 20, 30));
  Point pt(cu, R);
  Mat3 P;
  T4 D;
  ASSERT_TRUE(constitutive_update(cu, {}, Mat3::Identity(), 0.0, pt.ref(), P, &D));
  EXPECT_LT(P.norm(), 1e-3);  // round-off of C ~ 1e11 Pa
  EXPECT_LT((D - rotate(R.transpose(), cu.C)).norm(), 1e-6 * cu.C.norm());
}

// Without hardening the state does not change P, so the analytic tangent (state held
// fixed, as DAMASK's) must equal central finite differences of the full update. The
// overstress is kept moderate so that the step needs no sub-stepping (DAMASK's tangent
// always spans the whole step).
TEST(MaterialPoint, TangentMatchesFiniteDifferencesInThePlasticRange) {
  const Phase cu = copper(1.0e8, 0.0);
  const Mat3 R = rotation_matrix(texture::from_bunge_deg(35, 45, 0));
  Mat3 F;
  F << 0.9992, 0.0003, 0.0, 0.0001, 0.9991, 0.0002, 0.0, -0.0001, 1.002;
  const double dt = 2.0;
  IntegrationNumerics tight;  // converge Lp far below the finite-difference step
  tight.eps_rel_Lp = 1e-10;
  tight.eps_abs_Lp = 1e-16;
  T4 D;
  Mat3 P;
  {
    Point pt(cu, R);
    ASSERT_TRUE(constitutive_update(cu, tight, F, dt, pt.ref(), P, &D));
    double gamma = 0;
    for (int a = 0; a < 12; ++a) gamma += pt.state[cu.plastic.i_gamma_sl() + a];
    ASSERT_GT(gamma, 1e-4) << "the point must deform plastically for this test";
  }
  const double h = 1e-6;
  T4 fd;
  for (int kl = 0; kl < 9; ++kl) {
    Mat3 Fp = F, Fm = F;
    Fp.data()[kl] += h;
    Fm.data()[kl] -= h;
    Mat3 Pp, Pm;
    Point a(cu, R), b(cu, R);
    ASSERT_TRUE(constitutive_update(cu, tight, Fp, dt, a.ref(), Pp, nullptr));
    ASSERT_TRUE(constitutive_update(cu, tight, Fm, dt, b.ref(), Pm, nullptr));
    fd.col(kl) = flat((Pp - Pm) / (2 * h));
  }
  EXPECT_LT((fd - D).norm(), 1e-5 * D.norm()) << "analytic\n" << D << "\nfd\n" << fd;
  // Plastic flow softens the shear response: the tangent differs from the elastic one.
  EXPECT_GT((D - rotate(R.transpose(), cu.C)).norm(), 1e-2 * D.norm());
}

TEST(MaterialPoint, SlipRateFollowsThePowerLaw) {
  const Phase cu = copper();
  std::vector<double> state(cu.plastic.state_size());
  initial_state(cu.plastic, state.data());
  // A pure shear stress of 2 ξ0 on system 1 only: γ̇ = γ̇0 · 2^n on that system.
  const double xi0 = 1.6e6;
  Mat3 P1 = Eigen::Map<const Mat3>(&cu.plastic.P_sl[0]);
  const Mat3 M = 2 * xi0 * (P1 + P1.transpose());  // τ1 = M : P1 = 2 ξ0 (|d|=|n|=1, d ⟂ n)
  Mat3 Lp;
  T4 dLp;
  plastic_velocity_gradient(cu.plastic, M, state.data(), Lp, &dLp);
  std::vector<double> dot(cu.plastic.state_size());
  state_rate(cu.plastic, M, state.data(), dot.data());
  EXPECT_NEAR(dot[cu.plastic.i_gamma_sl()], 3e-3 * std::pow(2.0, 20), 1e-9 * 3e-3 * std::pow(2.0, 20));
  // Initial hardening of system 1: h0 (1 − ξ0/ξ∞)^a Σβ h1β |γ̇β|.
  double forest = 0;
  for (int b = 0; b < 12; ++b) forest += cu.plastic.h_sl_sl(0, b) * dot[cu.plastic.i_gamma_sl() + b];
  EXPECT_NEAR(dot[0], 0.35e9 * std::pow(1 - 1.6e6 / 96.4e6, 0.6) * forest, 1e-9 * dot[0]);
  // Lp is traceless (isochoric) and dLp/dM matches a finite difference.
  EXPECT_NEAR(Lp.trace(), 0.0, 1e-12 * Lp.norm());
  const double h = 1.0;
  for (int kl : {0, 1, 5}) {
    Mat3 Mp = M, Mm = M;
    Mp.data()[kl] += h;
    Mm.data()[kl] -= h;
    Mat3 Lpp, Lpm;
    plastic_velocity_gradient(cu.plastic, Mp, state.data(), Lpp, nullptr);
    plastic_velocity_gradient(cu.plastic, Mm, state.data(), Lpm, nullptr);
    EXPECT_LT((flat((Lpp - Lpm) / (2 * h)) - dLp.col(kl)).norm(), 1e-5 * dLp.norm());
  }
}

TEST(MaterialPoint, MagnesiumTwinsOnlyUnderPositiveShear) {
  const Phase mg = make_phase(preset_phase("Mg"));
  ASSERT_EQ(mg.plastic.n_sl, 18);
  ASSERT_EQ(mg.plastic.n_tw, 12);
  std::vector<double> state(mg.plastic.state_size()), dot(mg.plastic.state_size());
  initial_state(mg.plastic, state.data());
  Mat3 Pt = Eigen::Map<const Mat3>(&mg.plastic.P_tw[0]);
  const Mat3 M = 60e6 * (Pt + Pt.transpose());
  state_rate(mg.plastic, M, state.data(), dot.data());
  EXPECT_GT(dot[mg.plastic.i_gamma_tw()], 0.0);
  state_rate(mg.plastic, -M, state.data(), dot.data());
  EXPECT_EQ(dot[mg.plastic.i_gamma_tw()], 0.0);
}

// The elastic predictor settles a step whose trial stress (Lp = 0) gives a plastic rate
// below the Lp tolerance: the stress is then exactly the one the Newton loop returns
// from Lp = 0 (its first check passes), and the state moves within its tolerance.
TEST(MaterialPoint, ElasticPredictorGivesTheNewtonStressWhereItApplies) {
  const Phase cu = copper(5.0e7);
  const Mat3 R = rotation_matrix(texture::from_bunge_deg(30, 40, 50));
  Mat3 F;
  F << 1.0002, 0.0001, 0, -0.00005, 0.9999, 0.0001, 0.00002, 0, 1.0003;
  IntegrationNumerics with, without;
  without.elastic_predictor = false;
  Point a(cu, R), b(cu, R);
  Mat3 Pa, Pb;
  UpdateCounts ca, cb;
  ASSERT_TRUE(constitutive_update(cu, with, F, 0.5, a.ref(), Pa, nullptr, &ca));
  ASSERT_TRUE(constitutive_update(cu, without, F, 0.5, b.ref(), Pb, nullptr, &cb));
  EXPECT_EQ(ca.elastic, 1);
  EXPECT_EQ(ca.newton_iterations, 0);
  EXPECT_EQ(cb.elastic, 0);
  EXPECT_GE(cb.newton_iterations, 1);
  EXPECT_TRUE(Pa == Pb) << Pa << "\n" << Pb;
  EXPECT_TRUE(a.S == b.S);
  EXPECT_TRUE(a.Fp == b.Fp);
  for (int i = 0; i < a.n; ++i) EXPECT_NEAR(a.state[i], b.state[i], i < 12 ? 1.0 : 1e-6) << "state " << i;
  // The same step on a point that has slipped before (Lp ≠ 0) goes through Newton.
  Point c(cu, R);
  c.Lp[1] = 1e-3;
  UpdateCounts cc;
  Mat3 Pc;
  ASSERT_TRUE(constitutive_update(cu, with, F, 0.5, c.ref(), Pc, nullptr, &cc));
  EXPECT_EQ(cc.elastic, 0);
  EXPECT_LT((Pc - Pa).norm(), 1e-5 * Pa.norm());
}

TEST(MaterialPoint, ElasticPredictorDoesNotApplyWhereSlipIsActive) {
  const Phase cu = copper(3.0e7);  // 0.1 % strain: resolved shear above ξ0 = 30 MPa
  const Mat3 R = rotation_matrix(texture::from_bunge_deg(35, 45, 10));
  Mat3 F = Mat3::Identity();
  F(2, 2) = 1.001;
  F(0, 0) = F(1, 1) = 0.9995;
  IntegrationNumerics with, without;
  without.elastic_predictor = false;
  Point a(cu, R), b(cu, R);
  Mat3 Pa, Pb;
  UpdateCounts ca;
  ASSERT_TRUE(constitutive_update(cu, with, F, 0.5, a.ref(), Pa, nullptr, &ca));
  ASSERT_TRUE(constitutive_update(cu, without, F, 0.5, b.ref(), Pb, nullptr));
  EXPECT_EQ(ca.elastic, 0);
  EXPECT_GT(ca.lp_jacobians, 0);
  EXPECT_GT(Eigen::Map<const Mat3>(a.Lp.data()).norm(), 1e3 * with.eps_abs_Lp);
  EXPECT_TRUE(Pa == Pb) << "a rejected prediction must leave the update as it was";
}

// A second iterate of the same increment starting from the first iterate's stress and
// state (warm) reaches the update DAMASK's start reaches, within the state tolerance,
// in fewer state iterations.
TEST(MaterialPoint, WarmStateStartReachesTheSameUpdateSooner) {
  const Phase mg = make_phase(preset_phase("Mg"));
  const Mat3 R = rotation_matrix(texture::from_bunge_deg(35, 45, 10));
  auto strain = [](double e) {
    Mat3 F = Mat3::Identity();
    F(2, 2) = 1 + e;
    F(0, 0) = F(1, 1) = 1 - 0.5 * e;
    return F;
  };
  IntegrationNumerics warm, cold;
  cold.warm_state = false;
  Point a(mg, R), b(mg, R);
  Mat3 Pa, Pb;
  ASSERT_TRUE(constitutive_update(mg, warm, strain(2e-3), 0.5, a.ref(), Pa, nullptr));
  ASSERT_TRUE(constitutive_update(mg, cold, strain(2e-3), 0.5, b.ref(), Pb, nullptr));
  UpdateCounts ca, cb;
  ASSERT_TRUE(constitutive_update(mg, warm, strain(2.05e-3), 0.5, a.ref(), Pa, nullptr, &ca));
  ASSERT_TRUE(constitutive_update(mg, cold, strain(2.05e-3), 0.5, b.ref(), Pb, nullptr, &cb));
  double gamma = 0;
  for (int s = 0; s < mg.plastic.n_sl; ++s) gamma += a.state[mg.plastic.i_gamma_sl() + s];
  ASSERT_GT(gamma, 1e-5) << "the point must slip for this test";
  EXPECT_LT((Pa - Pb).norm(), 1e-5 * Pb.norm());
  EXPECT_LT(ca.state_iterations, cb.state_iterations);
}

// A grain twinned nearly through on one system and still driven hard on it: (1 − f)·A
// relaxes f to 1 at a rate far above 1/Δt. DAMASK's fixed-point iteration takes f from
// the last iterate and cannot contract there (its sub-steps stop at r_cutback_min before
// they are short enough), which is where 10 % strain on Mg stalled; with f implicit the
// iteration converges, to the backward Euler step itself.
TEST(MaterialPoint, ImplicitTwinFractionIntegratesAGrainTwinnedThrough) {
  const Phase mg = make_phase(preset_phase("Mg"));
  const auto& pp = mg.plastic;
  const Mat3 R = Mat3::Identity();
  const Mat3 Pt = Eigen::Map<const Mat3>(&pp.P_tw[0]);
  const double xi = pp.xi_0_tw[0];
  // Elastic trial stress with τ on twin system 0 at three times its resistance.
  const Mat3 E = 0.5 * (Pt + Pt.transpose());
  const double tau_unit = (Pt.cwiseProduct(ddot(mg.C, E))).sum();
  const Mat3 F = Mat3::Identity() + (3.0 * xi / tau_unit) * E;
  const double dt = 1.0;
  auto twinned_through = [&](Point& p) {
    p.state0[pp.i_gamma_tw()] = 0.999 * pp.gamma_char[0];
    p.state = p.state0;
  };
  IntegrationNumerics implicit_f, explicit_f;
  explicit_f.implicit_twin_fraction = false;
  ASSERT_TRUE(implicit_f.implicit_twin_fraction) << "the default";
  Point a(mg, R), b(mg, R);
  twinned_through(a);
  twinned_through(b);
  Mat3 Pa, Pb;
  UpdateCounts ca, cb;
  const bool ok_explicit = constitutive_update(mg, explicit_f, F, dt, b.ref(), Pb, nullptr, &cb);
  EXPECT_TRUE(!ok_explicit || cb.state_unconverged > 0) << "the scenario must be the stiff one";
  ASSERT_TRUE(constitutive_update(mg, implicit_f, F, dt, a.ref(), Pa, nullptr, &ca));
  EXPECT_EQ(ca.state_unconverged, 0);
  EXPECT_EQ(ca.substeps, 1) << "the whole step, without sub-steps";
  // The result is the backward Euler step: state = state0 + Δt ṡ(S, state).
  std::vector<double> dot(a.n);
  state_rate(pp, Eigen::Map<const Mat3>(a.S.data()), a.state.data(), dot.data());
  double f = 0;
  for (int b2 = 0; b2 < pp.n_tw; ++b2) f += a.state[pp.i_gamma_tw() + b2] / pp.gamma_char[b2];
  EXPECT_LE(f, 1.0);
  EXPECT_GT(f, 0.999);
  for (int i = 0; i < a.n; ++i) {
    const double r = a.state[i] - a.state0[i] - dt * dot[i];
    const bool is_xi = i < pp.n_sl + pp.n_tw;
    const double tol = std::max(is_xi ? pp.atol_xi : pp.atol_gamma, implicit_f.eps_rel_state * std::fabs(a.state[i]));
    EXPECT_LE(std::fabs(r), 10 * tol) << "state " << i;
  }
}

// Points integrated together in SIMD lanes (constitutive_update_lanes, lock-step) end
// exactly where each ends alone: P, Fp, Lp, S and the state bit for bit, and the same
// work counted. The points differ in orientation and load so that, in one batch, some are
// elastic, some slip or twin with different Newton and state iteration counts (lanes
// freeze at different times), and one is sub-stepped; two further updates start from
// plastic history (warm starts, non-zero Lp).
TEST(MaterialPoint, LockstepLanesGiveEachPointItsOwnResultBitForBit) {
  const Phase mg = make_phase(preset_phase("Mg"));
  constexpr int n = 2 * kLanes;
  const double bunge[8][3] = {{35, 45, 10}, {0, 0, 0},    {120, 80, 30}, {10, 90, 45},
                              {200, 30, 70}, {75, 60, 5}, {300, 15, 40}, {45, 55, 20}};
  // Axial strain of each point at the three updates: elastic, plastic, strongly plastic
  // (a jump the whole step cannot take in one go: sub-stepped).
  const double strain[8] = {1e-5, 2e-3, 0.3, 4e-3, 1e-5, 2.5e-3, 3e-3, 3.5e-3};
  auto F_of = [](double e) {
    Mat3 F = Mat3::Identity();
    F(2, 2) = 1 + e;
    F(0, 0) = F(1, 1) = 1 - 0.5 * e;
    F(0, 1) = 0.2 * e;
    return F;
  };
  std::vector<Point> alone, together;
  for (int i = 0; i < n; ++i) {
    const Mat3 R = rotation_matrix(texture::from_bunge_deg(bunge[i % 8][0], bunge[i % 8][1], bunge[i % 8][2]));
    alone.emplace_back(mg, R);
    together.emplace_back(mg, R);
  }
  IntegrationNumerics num;
  ASSERT_TRUE(num.lockstep) << "the default";
  UpdateCounts c_alone, c_together;
  int plastic = 0;
  for (int update = 1; update <= 3; ++update) {
    Mat3 F[n], Pa[n], Pt[n];
    T4 Da[n], Dt[n];
    for (int i = 0; i < n; ++i) F[i] = F_of(strain[i] * update / 3.0);
    bool ok_alone[n];
    for (int i = 0; i < n; ++i) ok_alone[i] = constitutive_update(mg, num, F[i], 1.0, alone[i].ref(), Pa[i], &Da[i], &c_alone);
    for (int g = 0; g < n; g += kLanes) {
      PointRef pts[kLanes];
      T4* D[kLanes];
      bool ok[kLanes];
      for (int j = 0; j < kLanes; ++j) pts[j] = together[g + j].ref(), D[j] = &Dt[g + j];
      constitutive_update_lanes(mg, num, kLanes, &F[g], 1.0, pts, &Pt[g], D, ok, &c_together);
      for (int j = 0; j < kLanes; ++j) EXPECT_EQ(ok[j], ok_alone[g + j]) << "point " << g + j;
    }
    for (int i = 0; i < n; ++i) {
      if (!ok_alone[i]) continue;
      EXPECT_EQ(0, std::memcmp(Pa[i].data(), Pt[i].data(), sizeof(double) * 9)) << "P, point " << i << ", update " << update;
      EXPECT_EQ(0, std::memcmp(Da[i].data(), Dt[i].data(), sizeof(double) * 81)) << "dP/dF, point " << i;
      EXPECT_EQ(alone[i].Fp, together[i].Fp) << "point " << i;
      EXPECT_EQ(alone[i].Lp, together[i].Lp) << "point " << i;
      EXPECT_EQ(alone[i].S, together[i].S) << "point " << i;
      EXPECT_EQ(alone[i].state, together[i].state) << "point " << i;
      plastic += alone[i].Lp != std::vector<double>(9, 0.0);
    }
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(ok_alone[i]) << "point " << i << " must integrate for the next update to start from it";
      for (auto* pts : {&alone, &together}) {
        Point& p = (*pts)[i];  // the increment accepted: its end is the next one's start
        std::copy(F[i].data(), F[i].data() + 9, p.F0.begin());
        p.Fp0 = p.Fp, p.Lp0 = p.Lp, p.S0 = p.S, p.state0 = p.state;
      }
    }
  }
  EXPECT_GT(plastic, n) << "the batches must exercise the Newton loop";
  EXPECT_GT(c_alone.substeps, c_alone.updates - c_alone.elastic) << "one point must be sub-stepped";
  EXPECT_GT(c_alone.elastic, 0);
  EXPECT_EQ(c_alone.updates, c_together.updates);
  EXPECT_EQ(c_alone.elastic, c_together.elastic);
  EXPECT_EQ(c_alone.substeps, c_together.substeps);
  EXPECT_EQ(c_alone.state_iterations, c_together.state_iterations);
  EXPECT_EQ(c_alone.newton_iterations, c_together.newton_iterations);
  EXPECT_EQ(c_alone.lp_jacobians, c_together.lp_jacobians);
  EXPECT_EQ(c_alone.tangents, c_together.tangents);
}
