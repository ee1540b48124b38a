#include "analysis/pca.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace mspipe::analysis {

void require_finite(const Eigen::MatrixXd& rows, const char* what) {
  for (Eigen::Index j = 0; j < rows.cols(); ++j)
    for (Eigen::Index i = 0; i < rows.rows(); ++i)
      if (!std::isfinite(rows(i, j)))
        throw std::invalid_argument(fmt::format("{}: row {}, column {}: {} is not a finite number",
                                                what, i, j, rows(i, j)));
}

Eigen::MatrixXd rows_to_matrix(std::span<const float> values, std::int64_t rows, int cols) {
  if (rows < 0 || cols < 0 || std::int64_t(values.size()) != rows * cols)
    throw std::invalid_argument(
        fmt::format("{} values cannot be {} rows of {}", values.size(), rows, cols));
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(values.data(), rows, cols).cast<double>();
}

Pca fit_pca(const Eigen::MatrixXd& rows, int max_components) {
  const Eigen::Index n = rows.rows(), l = rows.cols();
  if (n < 2 || l < 1)
    throw std::invalid_argument(
        fmt::format("PCA needs at least 2 rows and 1 column, got {} x {}", n, l));
  require_finite(rows, "PCA input");
  Pca pca;
  pca.mean = rows.colwise().mean().transpose();
  const Eigen::MatrixXd centred = rows.rowwise() - pca.mean.transpose();
  Eigen::Index k = std::min<Eigen::Index>(n - 1, l);
  if (max_components >= 0) k = std::min<Eigen::Index>(k, max_components);
  pca.components.resize(l, k);
  pca.variance.resize(k);

  // The SVD of the centred rows, X = U S V^T: the axes are V's columns and the variances
  // S^2 / (N - 1), without squaring the condition number as the covariance would. Thin
  // factors: cost O(N L min(N, L)), so wide data (L > N, e.g. 2-point statistics) cost no
  // more than tall data. Singular values come in decreasing order.
  Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinV);
  if (svd.info() != Eigen::Success) throw std::runtime_error("PCA: the SVD did not converge");
  const Eigen::VectorXd s2 = svd.singularValues().array().square() / double(n - 1);
  pca.total_variance = centred.squaredNorm() / double(n - 1);
  for (Eigen::Index c = 0; c < k; ++c) {
    Eigen::VectorXd axis = svd.matrixV().col(c);
    Eigen::Index big = 0;
    axis.cwiseAbs().maxCoeff(&big);
    if (axis(big) < 0) axis = -axis;
    pca.components.col(c) = axis;
    pca.variance(c) = s2(c);
  }
  return pca;
}

double Pca::explained_variance_ratio(int k) const {
  return total_variance > 0 ? variance(k) / total_variance : 0.0;
}

Eigen::VectorXd Pca::explained_variance_ratios() const {
  return total_variance > 0 ? Eigen::VectorXd(variance / total_variance)
                            : Eigen::VectorXd(Eigen::VectorXd::Zero(variance.size()));
}

int Pca::components_for(double fraction) const {
  if (!(fraction > 0 && fraction <= 1))
    throw std::invalid_argument(fmt::format("variance fraction {} is not in (0, 1]", fraction));
  // A relative tolerance: "99 %" of variance that sums to 0.98999999999 is still 99 %.
  const double target = fraction * (1 - 1e-12);
  double sum = 0;
  for (int k = 0; k < size(); ++k) {
    sum += explained_variance_ratio(k);
    if (sum >= target) return k + 1;
  }
  return size();
}

Eigen::MatrixXd Pca::project(const Eigen::MatrixXd& rows, int m) const {
  if (rows.cols() != mean.size())
    throw std::invalid_argument(
        fmt::format("rows have {} columns, the PCA was fitted on {}", rows.cols(), mean.size()));
  if (m < 0) m = size();
  if (m > size())
    throw std::invalid_argument(fmt::format("{} components asked, the PCA keeps {}", m, size()));
  return (rows.rowwise() - mean.transpose()) * components.leftCols(m);
}

}  // namespace mspipe::analysis
