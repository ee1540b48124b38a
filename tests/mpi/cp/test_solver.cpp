// The spectral solver against DAMASK v3.0.2 reference runs, analytic answers and
// invariances. Runs on 1 and 2 ranks; every test uses its own communicator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/comm.hpp"
#include "cp/fourier_grid.hpp"
#include "cp/material_field.hpp"
#include "reference.hpp"
#include "texture/symmetry.hpp"

using namespace mspipe;
using namespace mspipe::cp;
using namespace mspipe::cp::testing;

namespace {

core::Comm world() { return core::Comm(MPI_COMM_WORLD); }

SimulationResult run_case(const core::Comm& comm, const GridMaterial& g, const LoadCase& load,
                          SolverNumerics num = {}) {
  num.verbose = std::getenv("CP_TEST_VERBOSE") != nullptr;
  SpectralSolver solver(comm, g, num);
  return solver.run(load);
}

void expect_matches_reference(const SimulationResult& r, const std::string& c, double rel) {
  const auto ref = reference_rows(c);
  ASSERT_EQ(r.increments.size(), ref.size());
  for (std::size_t i = 1; i < ref.size(); ++i) {
    const double s_ref = ref_sigma(ref[i], 2, 2);
    EXPECT_NEAR(r.increments[i].sigma_avg(2, 2), s_ref, rel * std::fabs(s_ref))
        << "case " << c << " increment " << i;
    EXPECT_NEAR(r.increments[i].F_avg(2, 2), ref[i][10], 1e-12);
  }
}

}  // namespace

// DAMASK case E (Cu, cube) and D (Mg, Goss, twinning) are single crystals: one cell with
// the mixed boundary conditions reproduces DAMASK's stress at every increment.
TEST(SpectralSolver, SingleCrystalCopperMatchesDamaskCaseE) {
  const auto c = world();
  const auto r = run_case(c, case_grid("E", true), damask::read_load(case_dir("E") + "/load.yaml"));
  EXPECT_TRUE(r.converged);
  // Anderson mixing stops at a different point inside DAMASK's tolerances.
  expect_matches_reference(r, "E", 2e-3);
}

// With DAMASK's own nonlinear solver and DAMASK's state iteration (its start, no warm
// start, and the twinned fraction from the last iterate) the iterates are DAMASK's:
// agreement to round-off.
TEST(SpectralSolver, NgmresReproducesDamaskCasesEAndDExactly) {
  const auto c = world();
  SolverNumerics num;
  num.method = SnesMethod::ngmres;
  num.material.warm_state = false;
  num.material.implicit_twin_fraction = false;
  for (const std::string which : {"E", "D"}) {
    const auto r = run_case(c, case_grid(which, true),
                            damask::read_load(case_dir(which) + "/load.yaml"), num);
    EXPECT_TRUE(r.converged);
    expect_matches_reference(r, which, 1e-7);
  }
}

TEST(SpectralSolver, SingleCrystalMagnesiumWithTwinsMatchesDamaskCaseD) {
  const auto c = world();
  const auto r = run_case(c, case_grid("D", true), damask::read_load(case_dir("D") + "/load.yaml"));
  EXPECT_TRUE(r.converged);
  expect_matches_reference(r, "D", 2e-3);
  // D carries a shear stress P_yz of about 2.6 MPa (no rigid rotation allowed).
  const auto ref = reference_rows("D");
  EXPECT_NEAR(r.increments.back().P_avg(1, 2), ref.back()[16], 0.01 * std::fabs(ref.back()[16]));
}

// The 8³ grid of case E is homogeneous: it must give the single-cell answer, hold the
// average F at the prescribed value and the free stresses within DAMASK's tolerance,
// and satisfy the divergence criterion.
TEST(SpectralSolver, HomogeneousGridEqualsSingleCellAndMeetsBoundaryConditions) {
  const auto c = world();
  const auto load = damask::read_load(case_dir("E") + "/load.yaml");
  const auto one = run_case(c, case_grid("E", true), load);
  const auto grid = case_grid("E", false);
  SolverNumerics num;
  SpectralSolver solver(c, grid, num);
  const auto many = solver.run(load);
  ASSERT_TRUE(many.converged);
  ASSERT_EQ(one.increments.size(), many.increments.size());
  for (std::size_t i = 0; i < one.increments.size(); ++i) {
    const auto& a = one.increments[i];
    const auto& b = many.increments[i];
    EXPECT_LT((a.sigma_avg - b.sigma_avg).norm(), 1e-6 * (1.0 + a.sigma_avg.norm())) << i;
    // Prescribed: F_zz = 1 + 1e-3 t and zero off-diagonal rates.
    EXPECT_NEAR(b.F_avg(2, 2), 1.0 + 1e-3 * b.time, 1e-12);
    for (int p = 0; p < 3; ++p)
      for (int q = 0; q < 3; ++q)
        if (p != q) {
          EXPECT_NEAR(b.F_avg(p, q), 0.0, 1e-12);
        }
    const double tol = std::max(1e3, 1e-3 * b.P_avg.cwiseAbs().maxCoeff());
    EXPECT_LT(std::fabs(b.P_avg(0, 0)), tol);
    EXPECT_LT(std::fabs(b.P_avg(1, 1)), tol);
  }
  // Divergence of the final stress field.
  FourierGrid fg(c, grid.cells, grid.size);
  fg.forward(solver.P_local());
  const double div_tol = std::max(1e-4, 5e-4 * many.increments.back().P_avg.cwiseAbs().maxCoeff());
  EXPECT_LT(fg.divergence_rms(), div_tol);
}

// Schmid's law: without hardening a single crystal in uniaxial tension flows where the
// k most stressed systems (Schmid factor m) carry the imposed rate,
// ε̇ = k m γ̇0 (σ m / ξ0)^n, i.e. σ = ξ0 / m · (ε̇ / (k m γ̇0))^(1/n).
TEST(SpectralSolver, SingleCrystalYieldFollowsSchmidLaw) {
  const auto c = world();
  // Loading directions of symmetric multiple slip ([001]: 8 systems, [111]: 6), where the
  // zero off-diagonal strain rates of the load case cause no extra constraint stress.
  for (const auto& q : {texture::Quat{1, 0, 0, 0}, texture::from_bunge_deg(0, 54.735610317, 45),
                        texture::from_bunge_deg(30, 0, 0)}) {
    GridMaterial g;
    auto spec = preset_phase("Cu");
    spec.plastic["h_0_sl-sl"] = {0.0};
    spec.plastic["dot_gamma_0_sl"] = {1e-3};
    g.phases.push_back(make_phase(spec));
    g.materials.push_back({0, q});
    g.material = {0};
    const auto r = run_case(c, g, uniaxial_tension_z(1e-3, 4, 16));
    ASSERT_TRUE(r.converged);
    // Schmid factors for the lab z axis expressed in the crystal frame.
    const auto m = texture::to_matrix(q);
    const Vec3 z_c(m[0][2], m[1][2], m[2][2]);
    std::vector<double> schmid;
    for (int a = 0; a < 12; ++a) {
      const Mat3 P = Eigen::Map<const Mat3>(&g.phases[0].plastic.P_sl[9 * a]);
      schmid.push_back(std::fabs(z_c.dot(P * z_c)));
    }
    const double m_max = *std::max_element(schmid.begin(), schmid.end());
    // Rate carried by every system at the flow stress, Σ mα (mα/m_max)^n = k_eff m_max.
    double k_eff = 0;
    for (double ma : schmid) k_eff += std::pow(ma / m_max, 20) * ma / m_max;
    const double expected = 1.6e6 / m_max * std::pow(1.0 / (k_eff * m_max), 1.0 / 20);
    EXPECT_NEAR(r.increments.back().sigma_avg(2, 2), expected, 0.01 * expected) << "m = " << m_max;
  }
}

namespace {
// A small polycrystal: 4³ cells, 4 grains (z-halves times x-halves), case B's phase
// and first orientations.
GridMaterial small_polycrystal(bool equivalent) {
  GridMaterial g = case_grid("B", true);
  g.cells = {4, 4, 4};
  g.size = {4e-6, 4e-6, 4e-6};
  g.material.resize(64);
  for (int z = 0; z < 4; ++z)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) g.material[x + 4 * (y + 4 * z)] = (z / 2) * 2 + x / 2;
  g.materials.resize(4);
  if (equivalent) {
    const auto ops = texture::symmetry_operators(texture::Lattice::cubic);
    for (std::size_t i = 0; i < g.materials.size(); ++i)
      g.materials[i].orientation = texture::standardised(
          texture::equivalent(g.materials[i].orientation, ops[5 + 4 * i]));
  }
  return g;
}
}  // namespace

TEST(SpectralSolver, SymmetryEquivalentOrientationsChangeNothing) {
  const auto c = world();
  const auto load = uniaxial_tension_z(1e-3, 0.6, 6);
  const auto a = run_case(c, small_polycrystal(false), load);
  const auto b = run_case(c, small_polycrystal(true), load);
  ASSERT_TRUE(a.converged && b.converged);
  for (std::size_t i = 1; i < a.increments.size(); ++i)
    EXPECT_NEAR(a.increments[i].sigma_avg(2, 2), b.increments[i].sigma_avg(2, 2),
                2e-3 * std::fabs(a.increments[i].sigma_avg(2, 2)));
}

// The same polycrystal on all ranks together and on each rank alone.
// Without the warm start of the state every material point's answer depends only on its
// F (Newton on Lp converges far below its tolerance), so the ranks change only the FFT's
// round-off: the same iterations and the same stress. The warm start makes each answer
// depend on the path within the state tolerance, and a hard increment (this one takes
// about 70 iterations) amplifies round-off to the solver's own tolerance.
TEST(SpectralSolver, RankCountDoesNotChangeTheAnswer) {
  const auto c = world();
  const core::Comm self(MPI_COMM_SELF);
  const auto load = uniaxial_tension_z(1e-3, 0.4, 4);
  for (const bool warm : {false, true}) {
    SolverNumerics num;
    num.material.warm_state = warm;
    const auto together = run_case(c, small_polycrystal(false), load, num);
    const auto alone = run_case(self, small_polycrystal(false), load, num);
    ASSERT_EQ(together.increments.size(), alone.increments.size());
    for (std::size_t i = 0; i < alone.increments.size(); ++i) {
      const double s = alone.increments[i].sigma_avg.norm();
      const double d = (together.increments[i].sigma_avg - alone.increments[i].sigma_avg).norm();
      if (!warm) {
        EXPECT_EQ(together.increments[i].iterations, alone.increments[i].iterations);
        EXPECT_LT(d, 1e-6 * (1 + s)) << "increment " << i;
      } else {
        EXPECT_LT(d, 1e-3 * (1 + s)) << "increment " << i << " (warm start: eps_rel_P = 1e-3)";
      }
    }
  }
}

// Two simulations side by side on two halves of the ranks (one rank alone: one group).
TEST(SpectralSolver, TwoSimulationsOnSubCommunicators) {
  const auto c = world();
  const int colour = c.rank() % 2;
  const core::Comm half = c.split(colour, c.rank());
  const std::string which = colour == 0 ? "E" : "D";
  const auto r = run_case(half, case_grid(which, true), damask::read_load(case_dir(which) + "/load.yaml"));
  EXPECT_TRUE(r.converged);
  expect_matches_reference(r, which, 2e-3);
}

// A step that cannot converge is reported, after the cutbacks, as "not converged".
TEST(SpectralSolver, HopelessStepEndsNotConvergedAfterCutbacks) {
  const auto c = world();
  auto g = case_grid("E", true);
  SolverNumerics num;
  num.N_iter_max = 2;  // tolerances nobody meets: every attempt fails
  num.N_iter_min = 1;
  num.eps_abs_P = 1e-30;
  num.eps_rel_P = 1e-30;
  num.eps_abs_div = 1e-30;
  num.eps_rel_div = 1e-30;
  const auto r = run_case(c, g, uniaxial_tension_z(1e-3, 1, 1), num);
  EXPECT_FALSE(r.converged);
  ASSERT_EQ(r.increments.size(), 2u);
  EXPECT_FALSE(r.increments.back().converged);
  EXPECT_EQ(r.increments.back().cutbacks, 3);
}

// The stop check (campaign timeouts and graceful stops): one that never answers true
// changes nothing, bit for bit; one that only the last rank answers true, at its 5th
// question, ends the run on every rank after the same 5 questions, before the load is done.
TEST(SpectralSolver, StopCheckEndsTheRunOnEveryRankAtTheSameIteration) {
  const auto c = world();
  const auto load = uniaxial_tension_z(1e-3, 0.4, 4);
  const auto plain = SpectralSolver(c, small_polycrystal(false), SolverNumerics{}).run(load);
  int asked = 0;
  const auto never = SpectralSolver(c, small_polycrystal(false), SolverNumerics{}).run(load, {}, [&] {
    ++asked;
    return false;
  });
  EXPECT_GT(asked, 0);
  EXPECT_FALSE(never.stopped);
  ASSERT_EQ(plain.increments.size(), never.increments.size());
  for (std::size_t i = 0; i < plain.increments.size(); ++i) {
    EXPECT_EQ(plain.increments[i].iterations, never.increments[i].iterations);
    EXPECT_TRUE(plain.increments[i].sigma_avg == never.increments[i].sigma_avg) << "increment " << i;
  }

  const bool asker = c.rank() == c.size() - 1;
  int questions = 0;
  const auto stopped = SpectralSolver(c, small_polycrystal(false), SolverNumerics{}).run(load, {}, [&] {
    return ++questions >= 5 && asker;
  });
  EXPECT_TRUE(stopped.stopped);
  EXPECT_FALSE(stopped.converged);
  EXPECT_LT(stopped.increments.size(), plain.increments.size());
  EXPECT_EQ(c.min(questions), 5);
  EXPECT_EQ(c.max(questions), 5);
}

// The basic scheme takes the tangent averages once per increment from the stored history
// (MaterialField::tangent_averages) instead of at every evaluation: they must be the
// averages the evaluation itself computes, on any number of ranks.
TEST(MaterialField, TangentAveragesFromTheHistoryEqualThoseOfTheEvaluation) {
  const auto c = world();
  const GridMaterial g = case_grid("B", false);
  FourierGrid fg(c, g.cells, g.size);
  const std::size_t n = fg.local_cells(), first = std::size_t(fg.z_offset()) * g.cells[0] * g.cells[1];
  std::vector<std::int32_t> phase(n);
  std::vector<double> rot(9 * n), F(9 * n), P(9 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = g.materials[g.material[first + i]];
    phase[i] = e.phase;
    const Mat3 R = rotation_matrix(e.orientation);
    std::copy(R.data(), R.data() + 9, &rot[9 * i]);
    // Tension along z with a small cell-dependent shear: plastic, cells differ.
    Mat3 f = Mat3::Identity();
    f(2, 2) = 1.0005;
    f(0, 0) = f(1, 1) = 0.99975;
    f(0, 1) = 2e-5 * double((first + i) % 7);
    std::copy(f.data(), f.data() + 9, &F[9 * i]);
  }
  MaterialField field(g.phases, phase, rot, IntegrationNumerics{});
  const auto full = field.evaluate(c, fg.total_cells(), F.data(), 0.5, P.data(), TangentUse::per_cell);
  ASSERT_TRUE(full.ok);
  const auto later = field.tangent_averages(c, fg.total_cells(), F.data(), 0.5);
  EXPECT_LT((later.C_vol_avg - full.C_vol_avg).norm(), 1e-12 * full.C_vol_avg.norm());
  EXPECT_LT((later.C_min_max_avg - full.C_min_max_avg).norm(), 1e-12 * full.C_min_max_avg.norm());
  // Plastic flow makes the cells' tangents differ from each other and from the elastic one.
  EXPECT_GT((full.C_vol_avg - full.C_min_max_avg).norm(), 1e-3 * full.C_vol_avg.norm());
  // A field without tangent storage gives the same stress.
  MaterialField bare_field(g.phases, phase, rot, IntegrationNumerics{}, false);
  std::vector<double> P2(9 * n);
  const auto bare = bare_field.evaluate(c, fg.total_cells(), F.data(), 0.5, P2.data(), TangentUse::none);
  EXPECT_TRUE(bare.P_av == full.P_av);
  EXPECT_TRUE(P2 == P);
}
