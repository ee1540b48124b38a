// Spectral clustering and k-means on point sets whose classes are known.
#include <gtest/gtest.h>

#include "analysis/cluster_scores.hpp"
#include "analysis/clustering.hpp"
#include "cluster_data.hpp"

namespace {

using namespace mspipe::analysis;

TEST(Spectral, SeparatedBlobsAreFoundExactlyWithTheMedianHeuristic) {
  const auto d = test::blobs(test::three_centres(), 50, 0.5, 1);
  SpectralOptions opt;
  opt.clusters = 3;
  const auto sc = spectral_clustering(d.points, opt);
  EXPECT_GT(sc.gamma, 0);
  EXPECT_DOUBLE_EQ(match_labels(d.labels, sc.labels).accuracy, 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(d.labels, sc.labels), 1.0);
  // The leading eigenvalue of D^-1/2 A D^-1/2 is 1 (eigenvector D^1/2 1).
  EXPECT_NEAR(sc.eigenvalues(0), 1.0, 1e-9);
  for (Eigen::Index i = 0; i < sc.embedding.rows(); ++i)
    EXPECT_NEAR(sc.embedding.row(i).norm(), 1.0, 1e-12);
}

TEST(Spectral, ConcentricRingsDefeatKMeansButNotSpectralClustering) {
  const auto d = test::rings(1.0, 3.0, 150, 0.05, 2);
  const auto km = kmeans(d.points, 2, {.restarts = 10, .seed = 3});
  // A line through the centre splits each ring in halves: about 50 % either way.
  EXPECT_LT(match_labels(d.labels, km.labels).accuracy, 0.75);
  SpectralOptions opt;
  opt.clusters = 2;
  opt.gamma = 5;  // local: affinity across the gap of 2 is exp(-20)
  const auto sc = spectral_clustering(d.points, opt);
  EXPECT_DOUBLE_EQ(sc.gamma, 5);
  EXPECT_DOUBLE_EQ(match_labels(d.labels, sc.labels).accuracy, 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(d.labels, sc.labels), 1.0);
}

TEST(Spectral, SameSeedSameLabels) {
  const auto d = test::blobs(test::three_centres(), 20, 3.0, 4);  // overlapping blobs
  SpectralOptions opt;
  opt.clusters = 3;
  opt.kmeans.seed = 9;
  EXPECT_EQ(spectral_clustering(d.points, opt).labels, spectral_clustering(d.points, opt).labels);
}

TEST(Spectral, MedianHeuristicOfKnownDistances) {
  // Points 0, 1, 3 on a line: squared distances 1, 4, 9, median 4.
  Eigen::MatrixXd p(3, 1);
  p << 0, 1, 3;
  EXPECT_DOUBLE_EQ(median_heuristic_gamma(p), 0.25);
  // Four points 0, 1, 2, 4: squared distances 1, 4, 16, 1, 9, 4; median (4 + 4) / 2.
  Eigen::MatrixXd q(4, 1);
  q << 0, 1, 2, 4;
  EXPECT_DOUBLE_EQ(median_heuristic_gamma(q), 0.25);
}

TEST(Spectral, LanczosEigenpairsMatchTheDenseSolver) {
  const int n = 120, k = 4;
  mspipe::core::Rng rng(5, 0, "sym");
  Eigen::MatrixXd g(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) g(i, j) = rng.normal();
  const Eigen::MatrixXd s = g + g.transpose();
  const auto e = leading_eigenpairs(s, k);  // n > 2k + 1: Spectra
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> dense(s);
  for (int i = 0; i < k; ++i) {
    EXPECT_NEAR(e.values(i), dense.eigenvalues()(n - 1 - i), 1e-9);
    EXPECT_NEAR(std::abs(e.vectors.col(i).dot(dense.eigenvectors().col(n - 1 - i))), 1.0, 1e-8);
  }
}

TEST(KMeans, FindsBlobCentresAndIsDeterministic) {
  const auto d = test::blobs(test::three_centres(), 40, 0.5, 6);
  const auto a = kmeans(d.points, 3, {.restarts = 5, .seed = 1});
  EXPECT_DOUBLE_EQ(match_labels(d.labels, a.labels).accuracy, 1.0);
  for (Eigen::Index c = 0; c < 3; ++c) {
    const double nearest =
        (a.centres.rowwise() - test::three_centres().row(c)).rowwise().norm().minCoeff();
    EXPECT_LT(nearest, 0.5);  // mean of 40 draws of sigma 0.5: error ~0.14 per axis
  }
  EXPECT_EQ(kmeans(d.points, 3, {.restarts = 5, .seed = 1}).labels, a.labels);
}

TEST(KMeans, RejectsMoreClustersThanPointsAndNan) {
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(3, 2);
  EXPECT_THROW(kmeans(p, 4), std::invalid_argument);
  p(1, 1) = std::nan("");
  EXPECT_THROW(kmeans(p, 2), std::invalid_argument);
  SpectralOptions opt;
  opt.clusters = 2;
  EXPECT_THROW(spectral_clustering(p, opt), std::invalid_argument);
}

}  // namespace
