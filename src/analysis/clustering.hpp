#pragma once
// Clustering of points in a low-dimensional space (rows of an N x d matrix), as the study
// clusters PCA-reduced fingerprints:
//
//   analysis::SpectralOptions opt;  opt.clusters = 4;        // gamma 0: median heuristic
//   auto sc = analysis::spectral_clustering(points, opt);    // sc.labels[i] in [0, 4)
//   auto km = analysis::kmeans(points, 4, {.restarts = 10, .seed = 1});
//
// Spectral clustering after Ng, Jordan and Weiss: RBF affinity A_ij = exp(-gamma |x_i -
// x_j|^2) (A_ii = 0); M = D^-1/2 A D^-1/2 (its leading eigenvectors are the trailing ones of
// the normalised Laplacian I - M); the k leading eigenvectors as columns, each row scaled
// to unit length; k-means++ with seeded restarts on those rows. gamma <= 0 picks the median
// heuristic gamma = 1 / median_{i<j} |x_i - x_j|^2. Dense: O(N^2) memory and time, meant
// for N up to a few thousand. Scores of a clustering against known classes (accuracy after
// the best label matching, adjusted Rand index) are in cluster_scores.hpp.
//
// Everything is deterministic for a given seed. Bad input (N < k, k < 1, a non-finite
// value) throws std::invalid_argument.
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace mspipe::analysis {

struct KMeansOptions {
  int restarts = 10;         // independent k-means++ starts; the lowest inertia wins
  std::uint64_t seed = 0;    // restart r draws from core::Rng(seed, r, "kmeans")
  int max_iterations = 300;  // Lloyd iterations per start (stops earlier when stable)
};

struct KMeansResult {
  std::vector<int> labels;  // (N) in [0, k)
  Eigen::MatrixXd centres;  // (k x d)
  double inertia = 0;       // sum of squared distances to the assigned centre
};

KMeansResult kmeans(const Eigen::MatrixXd& points, int k, const KMeansOptions& options = {});

struct SpectralOptions {
  int clusters = 2;
  double gamma = 0;  // RBF width; <= 0: median heuristic
  KMeansOptions kmeans;
};

struct SpectralResult {
  std::vector<int> labels;      // (N) in [0, clusters)
  double gamma = 0;             // the gamma used (the heuristic's value when asked for)
  Eigen::VectorXd eigenvalues;  // (clusters) leading eigenvalues of M, decreasing (<= 1)
  Eigen::MatrixXd embedding;    // (N x clusters) row-normalised eigenvector rows
};

SpectralResult spectral_clustering(const Eigen::MatrixXd& points, const SpectralOptions& options);

// 1 / median over pairs i < j of the squared distance (1 when every distance is 0).
double median_heuristic_gamma(const Eigen::MatrixXd& points);

// The k eigenpairs of largest eigenvalue of a symmetric matrix, eigenvalues decreasing.
// Spectra's Lanczos solver (SymEigsSolver) when the matrix is large enough for it
// (N > 2k + 1), Eigen's dense solver otherwise.
struct Eigenpairs {
  Eigen::VectorXd values;
  Eigen::MatrixXd vectors;  // (N x k)
};
Eigenpairs leading_eigenpairs(const Eigen::MatrixXd& symmetric, int k);

}  // namespace mspipe::analysis
