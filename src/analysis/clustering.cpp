#include "analysis/clustering.hpp"

#include <Spectra/MatOp/DenseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "analysis/pca.hpp"
#include "core/rng.hpp"

namespace mspipe::analysis {

namespace {

// Squared distance of every row of `points` to every row of `centres`, N x k.
Eigen::MatrixXd squared_distances(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centres) {
  const Eigen::VectorXd pn = points.rowwise().squaredNorm();
  const Eigen::VectorXd cn = centres.rowwise().squaredNorm();
  Eigen::MatrixXd d = -2.0 * points * centres.transpose();
  d.colwise() += pn;
  d.rowwise() += cn.transpose();
  return d.cwiseMax(0.0);  // round-off can make a zero distance slightly negative
}

// k-means++ seeding: each new centre is a point drawn with probability proportional to
// its squared distance to the nearest centre chosen so far.
Eigen::MatrixXd seed_centres(const Eigen::MatrixXd& points, int k, core::Rng& rng) {
  const Eigen::Index n = points.rows();
  Eigen::MatrixXd centres(k, points.cols());
  centres.row(0) = points.row(std::min<Eigen::Index>(n - 1, Eigen::Index(rng.uniform() * n)));
  Eigen::VectorXd nearest = (points.rowwise() - centres.row(0)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    const double total = nearest.sum();
    Eigen::Index pick = 0;
    if (total > 0) {
      double target = rng.uniform() * total, run = 0;
      pick = n - 1;
      for (Eigen::Index i = 0; i < n; ++i) {
        run += nearest(i);
        if (run > target) {
          pick = i;
          break;
        }
      }
    } else {
      pick = std::min<Eigen::Index>(n - 1, Eigen::Index(rng.uniform() * n));
    }
    centres.row(c) = points.row(pick);
    nearest = nearest.cwiseMin((points.rowwise() - centres.row(c)).rowwise().squaredNorm());
  }
  return centres;
}

KMeansResult lloyd(const Eigen::MatrixXd& points, Eigen::MatrixXd centres, int max_iterations) {
  const Eigen::Index n = points.rows();
  const int k = int(centres.rows());
  KMeansResult r;
  r.labels.assign(n, -1);
  Eigen::VectorXd best(n);
  for (int it = 0; it < max_iterations; ++it) {
    const Eigen::MatrixXd d = squared_distances(points, centres);
    bool changed = false;
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index c = 0;
      best(i) = d.row(i).minCoeff(&c);
      if (r.labels[i] != int(c)) {
        r.labels[i] = int(c);
        changed = true;
      }
    }
    if (!changed) break;
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, points.cols());
    std::vector<int> counts(k, 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(r.labels[i]) += points.row(i);
      ++counts[r.labels[i]];
    }
    for (int c = 0; c < k; ++c) {
      if (counts[c] > 0) {
        centres.row(c) = sums.row(c) / counts[c];
      } else {  // an empty cluster restarts at the point worst served by its centre
        Eigen::Index far = 0;
        best.maxCoeff(&far);
        centres.row(c) = points.row(far);
        best(far) = 0;
      }
    }
  }
  const Eigen::MatrixXd d = squared_distances(points, centres);
  r.inertia = 0;
  for (Eigen::Index i = 0; i < n; ++i) r.inertia += d(i, r.labels[i]);
  r.centres = std::move(centres);
  return r;
}

void check_points(const Eigen::MatrixXd& points, int k, const char* what) {
  if (k < 1 || points.rows() < k)
    throw std::invalid_argument(
        fmt::format("{}: {} clusters of {} points", what, k, points.rows()));
  require_finite(points, what);
}

}  // namespace

KMeansResult kmeans(const Eigen::MatrixXd& points, int k, const KMeansOptions& options) {
  check_points(points, k, "k-means");
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int r = 0; r < std::max(1, options.restarts); ++r) {
    core::Rng rng(options.seed, std::uint64_t(r), "kmeans");
    KMeansResult trial = lloyd(points, seed_centres(points, k, rng), options.max_iterations);
    if (trial.inertia < best.inertia) best = std::move(trial);
  }
  return best;
}

double median_heuristic_gamma(const Eigen::MatrixXd& points) {
  const Eigen::Index n = points.rows();
  std::vector<double> d2;
  d2.reserve(std::size_t(n) * std::size_t(n - 1) / 2);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j)
      d2.push_back((points.row(i) - points.row(j)).squaredNorm());
  if (d2.empty()) return 1.0;
  auto mid = d2.begin() + std::ptrdiff_t(d2.size() / 2);
  std::nth_element(d2.begin(), mid, d2.end());
  double median = *mid;
  if (d2.size() % 2 == 0) median = 0.5 * (median + *std::max_element(d2.begin(), mid));
  return median > 0 ? 1.0 / median : 1.0;
}

Eigenpairs leading_eigenpairs(const Eigen::MatrixXd& symmetric, int k) {
  const int n = int(symmetric.rows());
  if (k < 1 || k > n)
    throw std::invalid_argument(fmt::format("{} eigenpairs of a {}x{} matrix", k, n, n));
  Eigenpairs e;
  if (n > 2 * k + 1) {
    Spectra::DenseSymMatProd<double> op(symmetric);
    const int ncv = std::min(n, std::max(2 * k + 1, 20));
    Spectra::SymEigsSolver<Spectra::DenseSymMatProd<double>> solver(op, k, ncv);
    solver.init();
    solver.compute(Spectra::SortRule::LargestAlge, 10000, 1e-12);
    if (solver.info() == Spectra::CompInfo::Successful) {
      e.values = solver.eigenvalues();
      e.vectors = solver.eigenvectors();
      return e;
    }
    // Lanczos did not converge (clustered spectrum): the dense solver below always does.
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> dense(symmetric);
  e.values = dense.eigenvalues().tail(k).reverse();
  e.vectors = dense.eigenvectors().rightCols(k).rowwise().reverse();
  return e;
}

SpectralResult spectral_clustering(const Eigen::MatrixXd& points, const SpectralOptions& options) {
  const int k = options.clusters;
  check_points(points, k, "spectral clustering");
  const Eigen::Index n = points.rows();
  SpectralResult r;
  r.gamma = options.gamma > 0 ? options.gamma : median_heuristic_gamma(points);

  Eigen::MatrixXd m = (-r.gamma * squared_distances(points, points)).array().exp();
  m.diagonal().setZero();
  // A point with no neighbour at this gamma has degree 0: its row stays 0 (it joins
  // whichever cluster k-means gives the origin) instead of dividing by zero.
  const Eigen::VectorXd degree = m.rowwise().sum();
  Eigen::VectorXd scale(n);
  for (Eigen::Index i = 0; i < n; ++i) scale(i) = degree(i) > 0 ? 1.0 / std::sqrt(degree(i)) : 0.0;
  m = scale.asDiagonal() * m * scale.asDiagonal();

  Eigenpairs e = leading_eigenpairs(m, k);
  r.eigenvalues = e.values;
  r.embedding = std::move(e.vectors);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double norm = r.embedding.row(i).norm();
    if (norm > 0) r.embedding.row(i) /= norm;
  }
  r.labels = kmeans(r.embedding, k, options.kmeans).labels;
  return r;
}

}  // namespace mspipe::analysis
