#pragma once
// Synthetic (fingerprint, stress curve) pairs whose curves are a known smooth function of
// three fingerprint components plus noise, so the best achievable R² is known:
//   sigma_i = s0 (1 - exp(-i / k)),  i = 0..points-1, Pa
//   s0 = 100 MPa (1 + 0.25 tanh z0 + 0.05 z1),  k = 5 + 2 tanh z2
// plus Gaussian noise of `noise_pa` on every loaded point (i >= 1). The other components
// are standard normal and carry nothing. With `informative` false the fingerprints are
// drawn independently of the curves (pure noise: R² ≈ 0 is all anyone can get).
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace mspipe::testing {

struct SyntheticCurves {
  std::int64_t rows = 0, inputs = 0, points = 0;
  std::vector<std::int64_t> ve_id;
  std::vector<float> x;       // rows * inputs
  std::vector<double> y;      // rows * points, Pa, with noise
  std::vector<double> clean;  // rows * points, Pa, the function without noise
  // 1 - (noise sum of squares) / (sum of squares about the mean curve): the R² of the
  // true function on these rows, the ceiling no model can beat on average.
  double ceiling_r2() const {
    std::vector<double> mean(points, 0.0);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t p = 0; p < points; ++p) mean[p] += y[r * points + p] / rows;
    double noise = 0, total = 0;
    for (std::int64_t i = 0; i < rows * points; ++i) {
      noise += (y[i] - clean[i]) * (y[i] - clean[i]);
      total += (y[i] - mean[i % points]) * (y[i] - mean[i % points]);
    }
    return 1 - noise / total;
  }
};

inline SyntheticCurves synthetic_curves(std::int64_t rows, std::int64_t inputs, std::int64_t points,
                                        std::uint64_t seed, double noise_pa, bool informative = true,
                                        std::int64_t first_id = 0) {
  SyntheticCurves s;
  s.rows = rows;
  s.inputs = inputs;
  s.points = points;
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto id = first_id + r;
    s.ve_id.push_back(id);
    core::Rng z_rng(seed, static_cast<std::uint64_t>(id), "synthetic_fingerprint");
    std::vector<double> z(static_cast<std::size_t>(inputs));
    for (auto& v : z) v = z_rng.normal();
    core::Rng x_rng(seed, static_cast<std::uint64_t>(id), "synthetic_noise_fingerprint");
    for (std::int64_t c = 0; c < inputs; ++c)
      s.x.push_back(static_cast<float>(informative ? z[c] : x_rng.normal()));
    const double s0 = 100e6 * (1 + 0.25 * std::tanh(z[0]) + 0.05 * z[1]);
    const double k = 5 + 2 * std::tanh(z[2]);
    core::Rng n_rng(seed, static_cast<std::uint64_t>(id), "synthetic_curve_noise");
    for (std::int64_t p = 0; p < points; ++p) {
      const double c = s0 * (1 - std::exp(-static_cast<double>(p) / k));
      s.clean.push_back(c);
      s.y.push_back(p == 0 ? c : c + noise_pa * n_rng.normal());
    }
  }
  return s;
}

}  // namespace mspipe::testing
