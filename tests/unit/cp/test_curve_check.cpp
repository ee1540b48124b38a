// compare_curves: the criteria of the DAMASK_grid check (σ_zz relative per increment,
// stress-prescribed components within DAMASK's stress tolerance), on made-up curves.
#include <gtest/gtest.h>

#include "cp/damask/curve_check.hpp"

using namespace mspipe::cp;

namespace {

SimulationResult curve(int n, double sigma_per_inc) {
  SimulationResult r;
  for (int i = 0; i <= n; ++i) {
    IncrementResult x;
    x.increment = i;
    x.time = 0.5 * i;
    x.sigma_avg(2, 2) = x.P_avg(2, 2) = sigma_per_inc * i;
    r.increments.push_back(x);
  }
  return r;
}

}  // namespace

TEST(CurveCheck, IdenticalCurvesAgree) {
  const auto load = uniaxial_tension_z(1e-3, 2.0, 4);
  const auto a = damask::compare_curves(curve(4, 1e6), curve(4, 1e6), load);
  EXPECT_TRUE(a.ok()) << a.problem;
  EXPECT_EQ(a.rows.size(), 5u);
  EXPECT_EQ(a.max_rel_sigma, 0.0);
}

TEST(CurveCheck, SigmaZzRelativeToleranceAtEveryIncrement) {
  const auto load = uniaxial_tension_z(1e-3, 2.0, 4);
  auto run = curve(4, 1e6);
  run.increments[2].sigma_avg(2, 2) *= 1 + 0.9e-3;  // inside 1e-3
  EXPECT_TRUE(damask::compare_curves(run, curve(4, 1e6), load).ok());
  run.increments[3].sigma_avg(2, 2) *= 1 + 1.1e-3;  // outside
  const auto a = damask::compare_curves(run, curve(4, 1e6), load);
  EXPECT_FALSE(a.ok());
  EXPECT_FALSE(a.rows[3].ok);
  EXPECT_TRUE(a.rows[2].ok);
  EXPECT_NEAR(a.max_rel_sigma, 1.1e-3, 1e-12);
  EXPECT_TRUE(damask::compare_curves(run, curve(4, 1e6), load, {.rel_sigma = 2e-3}).ok());
}

// Increment 0 is unstressed up to round-off (DAMASK_grid wrote 1.8e-5 Pa for case D):
// within the floor it agrees and does not count in the largest relative difference.
TEST(CurveCheck, UnstressedStateIsJudgedByTheFloor) {
  const auto load = uniaxial_tension_z(1e-3, 2.0, 4);
  auto run = curve(4, 1e6), ref = curve(4, 1e6);
  run.increments[0].sigma_avg(2, 2) = -1e-9;
  ref.increments[0].sigma_avg(2, 2) = 1.8e-5;
  auto a = damask::compare_curves(run, ref, load);
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.max_rel_sigma, 0.0);
  run.increments[0].sigma_avg(2, 2) = 2.0;  // above the 1 Pa floor
  a = damask::compare_curves(run, ref, load);
  EXPECT_FALSE(a.rows[0].ok);
  EXPECT_FALSE(a.ok());
}

TEST(CurveCheck, FreeComponentsWithinDamasksStressTolerance) {
  const auto load = uniaxial_tension_z(1e-3, 2.0, 4);  // P_xx and P_yy prescribed 0
  auto run = curve(4, 1e6);
  // Increment 4: max |P| = 4 MPa, tolerance max(1e3, 4e3) = 4e3 Pa.
  run.increments[4].P_avg(0, 0) = 3.9e3;
  auto a = damask::compare_curves(run, curve(4, 1e6), load);
  EXPECT_TRUE(a.ok());
  EXPECT_DOUBLE_EQ(a.rows[4].free_tol, 4e3);
  run.increments[4].P_avg(0, 0) = 4.1e3;
  EXPECT_FALSE(damask::compare_curves(run, curve(4, 1e6), load).ok());
  // Increment 1: |P| = 1 MPa, the absolute 1e3 Pa governs.
  run = curve(4, 1e6);
  run.increments[1].P_avg(1, 1) = -1.1e3;
  a = damask::compare_curves(run, curve(4, 1e6), load);
  EXPECT_FALSE(a.rows[1].ok);
  EXPECT_DOUBLE_EQ(a.rows[1].free_tol, 1e3);
  // P_zz is not free (dot_F_zz prescribed): a difference there is judged by σ_zz only.
  run = curve(4, 1e6);
  run.increments[2].P_avg(2, 2) += 1e4;
  EXPECT_TRUE(damask::compare_curves(run, curve(4, 1e6), load).ok());
}

TEST(CurveCheck, MissingIncrementsAndTimesAreProblems) {
  const auto load = uniaxial_tension_z(1e-3, 2.0, 4);
  auto run = curve(4, 1e6);
  run.increments.pop_back();
  auto a = damask::compare_curves(run, curve(4, 1e6), load);
  EXPECT_FALSE(a.ok());
  EXPECT_NE(a.problem.find("increment 4"), std::string::npos) << a.problem;
  run = curve(4, 1e6);
  run.increments[2].time += 0.1;
  a = damask::compare_curves(run, curve(4, 1e6), load);
  EXPECT_FALSE(a.ok());
  EXPECT_NE(a.problem.find("increment 2"), std::string::npos) << a.problem;
  EXPECT_FALSE(damask::compare_curves(SimulationResult{}, SimulationResult{}, load).ok());
}

TEST(CurveCheck, StepOfIncrement) {
  LoadCase load = uniaxial_tension_z(1e-3, 2.0, 4);
  load.steps.push_back(load.steps[0]);
  load.steps[1].N = 3;
  EXPECT_EQ(damask::step_of_increment(load, 0), 0);
  EXPECT_EQ(damask::step_of_increment(load, 4), 0);
  EXPECT_EQ(damask::step_of_increment(load, 5), 1);
  EXPECT_EQ(damask::step_of_increment(load, 7), 1);
  EXPECT_EQ(damask::step_of_increment(load, 8), -1);
}
