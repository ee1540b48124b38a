// The surrogate's metrics against values worked out by hand (numbers in the comments).
#include <gtest/gtest.h>

#include <vector>

#include "ml/surrogate_metrics.hpp"

namespace mspipe::ml {
namespace {

// Two VEs, three points (0, 1, 2), MPa: simulated A = 0 10 20, B = 0 20 40;
// predicted A = 0 12 18, B = 0 20 46 -> errors A = 0 2 -2, B = 0 0 6.
struct TwoVes {
  std::vector<double> simulated{0, 10e6, 20e6, 0, 20e6, 40e6};
  std::vector<double> predicted{0, 12e6, 18e6, 0, 20e6, 46e6};
  std::vector<double> null_curve{0, 15e6, 30e6};
  double scale = 40e6;
};

TEST(SurrogateMetrics, HandComputedTwoVes) {
  TwoVes d;
  const std::vector<double> spread(6, 1e6);
  const auto m = curve_metrics(d.predicted, d.simulated, 3, d.null_curve, d.scale, spread);
  EXPECT_EQ(m.rows, 2);
  // ((2/40)^2 + (2/40)^2 + (6/40)^2) / 6 = 0.0275 / 6
  EXPECT_NEAR(m.normalised_mse, 0.0275 / 6, 1e-15);
  // per point: |e| means 0, 1, 4 MPa; population std over VEs 0, 1, 2
  ASSERT_EQ(m.mae_per_point_mpa.size(), 3u);
  EXPECT_NEAR(m.mae_per_point_mpa[0], 0, 1e-12);
  EXPECT_NEAR(m.mae_per_point_mpa[1], 1, 1e-12);
  EXPECT_NEAR(m.mae_per_point_mpa[2], 4, 1e-12);
  EXPECT_NEAR(m.std_per_point_mpa[1], 1, 1e-12);
  EXPECT_NEAR(m.std_per_point_mpa[2], 2, 1e-12);
  // loaded points 1, 2: mean of (1, 4) = 2.5, std 1.5
  EXPECT_NEAR(m.mae_mpa, 2.5, 1e-12);
  EXPECT_NEAR(m.mae_std_mpa, 1.5, 1e-12);
  // SSE 4 + 4 + 36 = 44 MPa^2, null SSE 25 + 100 + 25 + 100 = 250: R² = 1 - 44/250
  EXPECT_NEAR(m.r2, 1 - 44.0 / 250.0, 1e-12);
  // per-VE errors over loaded points: A (2+2)/2 = 2, B (0+6)/2 = 3; both are tails (k = 1)
  EXPECT_NEAR(m.tail_error_mpa, 2.5, 1e-12);
  EXPECT_NEAR(m.median_error_mpa, 2.5, 1e-12);
  // interval ±1.645 MPa covers only B's point 1 (error 0) of the four loaded points
  EXPECT_NEAR(m.coverage90, 0.25, 1e-12);
}

TEST(SurrogateMetrics, NullModelScoresZeroAndPerfectScoresOne) {
  TwoVes d;
  const std::vector<double> null_pred{0, 15e6, 30e6, 0, 15e6, 30e6};
  EXPECT_NEAR(curve_metrics(null_pred, d.simulated, 3, d.null_curve, d.scale).r2, 0.0, 1e-12);
  const auto perfect = curve_metrics(d.simulated, d.simulated, 3, d.null_curve, d.scale);
  EXPECT_NEAR(perfect.r2, 1.0, 1e-12);
  EXPECT_EQ(perfect.mae_mpa, 0.0);
  EXPECT_EQ(perfect.coverage90, -1.0);  // no spread given
}

TEST(SurrogateMetrics, TailsAreChosenByFinalStress) {
  // 20 VEs (k = ceil(5 % of 20) = 1 per tail): final stress rises with the row, except
  // row 7 has the highest; only row 7 is mispredicted, by 4 MPa on both loaded points.
  std::vector<double> sim, pred;
  for (int r = 0; r < 20; ++r) {
    const double f = (r == 7 ? 100 : r) * 1e6;
    sim.insert(sim.end(), {0, f / 2, f});
    pred.insert(pred.end(), {0, f / 2 + (r == 7 ? 4e6 : 0), f + (r == 7 ? 4e6 : 0)});
  }
  const std::vector<double> null_curve{0, 5e6, 10e6};
  const auto m = curve_metrics(pred, sim, 3, null_curve, 100e6);
  EXPECT_NEAR(m.tail_error_mpa, (0 + 4) / 2.0, 1e-12);  // tails: row 0 (error 0) and row 7 (4)
  EXPECT_NEAR(m.median_error_mpa, 0, 1e-12);
}

TEST(SurrogateMetrics, MeanCurveIsThePointwiseMean) {
  const std::vector<double> curves{0, 1, 2, 0, 3, 6};
  const auto m = mean_curve(curves, 3);
  EXPECT_EQ(m, (std::vector<double>{0, 2, 4}));
}

}  // namespace
}  // namespace mspipe::ml
