// DAMASK case B: Cu 16³, 20 grains, random texture. σ_zz within 1 % of DAMASK v3.0.2
// at every increment (the full polycrystal run; label "slow").
#include <gtest/gtest.h>

#include <cmath>

#include "reference.hpp"

using namespace mspipe;
using namespace mspipe::cp;
using namespace mspipe::cp::testing;

TEST(SpectralSolver, PolycrystalMatchesDamaskCaseB) {
  const core::Comm c(MPI_COMM_WORLD);
  const auto grid = case_grid("B", false);
  ASSERT_EQ(grid.cells[0], 16);
  ASSERT_EQ(grid.materials.size(), 20u);
  SpectralSolver solver(c, grid, SolverNumerics{});
  const auto r = solver.run(damask::read_load(case_dir("B") + "/load.yaml"));
  ASSERT_TRUE(r.converged);
  const auto ref = reference_rows("B");
  ASSERT_EQ(r.increments.size(), ref.size());
  for (std::size_t i = 1; i < ref.size(); ++i) {
    const double s = ref_sigma(ref[i], 2, 2);
    EXPECT_NEAR(r.increments[i].sigma_avg(2, 2), s, 0.01 * std::fabs(s)) << "increment " << i;
    const double tol = std::max(1e3, 1e-3 * r.increments[i].P_avg.cwiseAbs().maxCoeff());
    EXPECT_LT(std::fabs(r.increments[i].P_avg(0, 0)), tol);
    EXPECT_LT(std::fabs(r.increments[i].P_avg(1, 1)), tol);
  }
}
