#pragma once
// Principal component analysis of row data (N samples x L features), the decomposition
// scikit-learn's PCA computes: centre the columns, take the axes of the sample covariance
// (denominator N - 1) by a singular value decomposition, decreasing variance.
//
//   Eigen::MatrixXd x = ...;                       // N x L, one sample per row
//   analysis::Pca pca = analysis::fit_pca(x);      // all min(N - 1, L) components
//   pca.explained_variance_ratio(0);               // share of the total variance, axis 0
//   pca.components_for(0.95);                      // axes needed for 95 % of the variance
//   Eigen::MatrixXd z = pca.project(x, 3);         // N x 3 scores on the first 3 axes
//
// Sign convention (sklearn's depends on its SVD): each axis is flipped so that its
// entry of largest magnitude is positive, so a fit is reproducible and comparable.
// Errors (fewer than 2 rows, no columns, a NaN or infinite value, a projection of rows
// with the wrong width) throw std::invalid_argument with a message naming the row/column;
// callers turn that into their own input error.
#include <Eigen/Dense>
#include <cstdint>
#include <span>

namespace mspipe::analysis {

struct Pca {
  Eigen::VectorXd mean;        // (L) column means of the fitted rows
  Eigen::MatrixXd components;  // (L x K) unit principal axes as columns, decreasing variance
  Eigen::VectorXd variance;    // (K) sample variance along each axis (N - 1 denominator)
  double total_variance = 0;   // trace of the covariance: sum over all L directions

  int size() const { return int(components.cols()); }
  int features() const { return int(mean.size()); }
  // variance(k) / total_variance; 0 when the data have no variance at all.
  double explained_variance_ratio(int k) const;
  Eigen::VectorXd explained_variance_ratios() const;
  // Smallest m such that the first m axes explain at least `fraction` (0 < fraction <= 1)
  // of the total variance; at most size(). Throws std::invalid_argument for a bad fraction.
  int components_for(double fraction) const;
  // Scores (rows - mean) * components[:, :m], N x m; m < 0 means every kept axis.
  Eigen::MatrixXd project(const Eigen::MatrixXd& rows, int m = -1) const;
};

// Fits on `rows` (N >= 2, L >= 1, all finite). Keeps min(max_components, N - 1, L) axes
// (max_components < 0: no cap). A thin SVD of the centred rows (Eigen's BDCSVD), cost
// O(N L min(N, L)): wide data (L > N, e.g. 2-point statistics) are fine. Axes of zero
// variance (beyond the data's rank) are not meaningful.
Pca fit_pca(const Eigen::MatrixXd& rows, int max_components = -1);

// Row-major float rows (the fingerprint files' layout) as an N x L matrix of doubles.
Eigen::MatrixXd rows_to_matrix(std::span<const float> values, std::int64_t rows, int cols);

// Throws std::invalid_argument naming the first non-finite entry ("row 3, column 7: nan").
void require_finite(const Eigen::MatrixXd& rows, const char* what);

}  // namespace mspipe::analysis
