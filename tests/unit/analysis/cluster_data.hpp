#pragma once
// Point sets with known classes for the clustering tests and the scikit-learn dump.
#include <Eigen/Dense>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/rng.hpp"

namespace mspipe::analysis::test {

struct Labelled {
  Eigen::MatrixXd points;
  std::vector<int> labels;
};

// `per` points around each centre (rows of `centres`), isotropic normal scatter `sigma`.
inline Labelled blobs(const Eigen::MatrixXd& centres, int per, double sigma, std::uint64_t seed) {
  core::Rng rng(seed, 0, "blobs");
  Labelled d;
  d.points.resize(centres.rows() * per, centres.cols());
  for (Eigen::Index c = 0; c < centres.rows(); ++c)
    for (int i = 0; i < per; ++i) {
      const Eigen::Index row = c * per + i;
      for (Eigen::Index j = 0; j < centres.cols(); ++j)
        d.points(row, j) = centres(c, j) + sigma * rng.normal();
      d.labels.push_back(int(c));
    }
  return d;
}

// Two concentric circles in the plane (radii r0 < r1), `per` points each, radial scatter
// `sigma`: no straight line separates them, so k-means cannot, and a local affinity can.
inline Labelled rings(double r0, double r1, int per, double sigma, std::uint64_t seed) {
  core::Rng rng(seed, 0, "rings");
  Labelled d;
  d.points.resize(2 * per, 2);
  for (int ring = 0; ring < 2; ++ring)
    for (int i = 0; i < per; ++i) {
      const double t = 2 * std::numbers::pi * rng.uniform();
      const double r = (ring ? r1 : r0) + sigma * rng.normal();
      d.points.row(ring * per + i) << r * std::cos(t), r * std::sin(t);
      d.labels.push_back(ring);
    }
  return d;
}

inline Eigen::MatrixXd three_centres() {
  Eigen::MatrixXd c(3, 3);
  c << 0, 0, 0, 10, 0, 0, 0, 10, 0;
  return c;
}

}  // namespace mspipe::analysis::test
