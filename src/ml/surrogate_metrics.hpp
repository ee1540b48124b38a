#pragma once
// How good predicted stress curves are, on plain arrays (rows * points, row-major, Pa).
// Definitions (README "Surrogate"):
//  - normalised MSE: mean over rows and points of ((predicted - simulated) / (max - min))^2,
//    max and min being the model's min-max scaling bounds (the study's scaled-stress MSE);
//  - MAE per increment: mean over VEs of |predicted - simulated| at each point, in MPa, with
//    the standard deviation over VEs; the summary MAE ± std is the mean of the per-point
//    MAEs over the loaded points (1..points-1) ± their standard deviation over those points
//    (the study's figure 9c, "2.75 ± 0.46 MPa");
//  - R²: 1 - SSE(model) / SSE(null), where the null model predicts the population-mean
//    curve (of the training set) for every VE; 0 means no better than the mean curve;
//  - tail error: each VE's error is its mean |error| over the loaded points (MPa); the VEs
//    whose simulated final stress is in the top or bottom 5 % (at least one each) are
//    the tails; tail error = mean of their errors, against the median of all VEs' errors;
//  - coverage: share of (VE, loaded point) whose simulated value lies in the ensemble's
//    90 % interval, mean ± 1.645 std (a Gaussian reading of the members' spread).
#include <cstdint>
#include <span>
#include <vector>

namespace mspipe::ml {

struct CurveMetrics {
  std::int64_t rows = 0;
  double normalised_mse = 0;
  double mae_mpa = 0, mae_std_mpa = 0;
  std::vector<double> mae_per_point_mpa, std_per_point_mpa;  // over VEs, per point
  double r2 = 0;
  double tail_error_mpa = 0, median_error_mpa = 0;
  double coverage90 = -1;  // -1 when no spread was given
};

inline constexpr double kZ90 = 1.6448536269514722;  // two-sided 90 % Gaussian quantile

// `null_curve` (points) is the null model's prediction (the training set's mean curve);
// `scale_pa` = max - min of the scaling; `std_pa` may be empty (no ensemble spread).
CurveMetrics curve_metrics(std::span<const double> predicted_pa, std::span<const double> simulated_pa,
                           std::int64_t points, std::span<const double> null_curve, double scale_pa,
                           std::span<const double> std_pa = {});

// Mean over rows of each point (the population-mean curve).
std::vector<double> mean_curve(std::span<const double> curves, std::int64_t points);

}  // namespace mspipe::ml
