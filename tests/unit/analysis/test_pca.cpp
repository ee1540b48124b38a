// PCA against data whose answer is known exactly: points at +-a_k along the axes of a
// random rotation Q have the sample covariance Q diag(2 a_k^2 / (N - 1)) Q^T, whatever Q.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/pca.hpp"
#include "core/rng.hpp"

namespace {

using mspipe::analysis::fit_pca;

Eigen::MatrixXd random_rotation(int l, std::uint64_t seed) {
  mspipe::core::Rng rng(seed, 0, "rotation");
  Eigen::MatrixXd g(l, l);
  for (int i = 0; i < l; ++i)
    for (int j = 0; j < l; ++j) g(i, j) = rng.normal();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  return qr.householderQ() * Eigen::MatrixXd::Identity(l, l);
}

// 2K rows: +-a_k q_k + mu for each axis k < K (q_k column k of q, L x K).
Eigen::MatrixXd axis_pairs(const Eigen::MatrixXd& q, const Eigen::VectorXd& a,
                           const Eigen::VectorXd& mu) {
  const int l = int(q.rows()), axes = int(q.cols());
  Eigen::MatrixXd x(2 * axes, l);
  for (int k = 0; k < axes; ++k) {
    x.row(2 * k) = (mu + a(k) * q.col(k)).transpose();
    x.row(2 * k + 1) = (mu - a(k) * q.col(k)).transpose();
  }
  return x;
}

TEST(Pca, RecoversTheAxesAndVariancesOfARotatedDiagonalCovariance) {
  const int l = 5;
  const Eigen::MatrixXd q = random_rotation(l, 11);
  Eigen::VectorXd a(l);
  a << 4.0, 3.0, 2.0, 1.0, 0.5;
  Eigen::VectorXd mu(l);
  mu << 1, -2, 3, 0.5, 7;
  const auto pca = fit_pca(axis_pairs(q, a, mu));
  ASSERT_EQ(pca.size(), l);
  EXPECT_LT((pca.mean - mu).norm(), 1e-12);
  const double n = 2.0 * l;
  for (int k = 0; k < l; ++k) {
    EXPECT_NEAR(pca.variance(k), 2 * a(k) * a(k) / (n - 1), 1e-12) << k;
    EXPECT_NEAR(std::abs(pca.components.col(k).dot(q.col(k))), 1.0, 1e-12) << k;
    // The sign convention: the entry of largest magnitude is positive.
    Eigen::Index big = 0;
    pca.components.col(k).cwiseAbs().maxCoeff(&big);
    EXPECT_GT(pca.components(big, k), 0) << k;
  }
  EXPECT_NEAR(pca.total_variance, 2 * a.squaredNorm() / (n - 1), 1e-12);
  EXPECT_NEAR(pca.explained_variance_ratios().sum(), 1.0, 1e-12);
}

TEST(Pca, WideDataGiveTheSameAnswer) {
  // 4 axes of a 30-dimensional space, 8 rows: L > N.
  const int l = 30, axes = 4;
  const Eigen::MatrixXd q = random_rotation(l, 17).leftCols(axes);
  Eigen::VectorXd a(axes);
  a << 5.0, 2.0, 1.0, 0.25;
  const Eigen::VectorXd mu = Eigen::VectorXd::LinSpaced(l, -1, 1);
  const auto pca = fit_pca(axis_pairs(q, a, mu), axes);
  ASSERT_EQ(pca.size(), axes);
  const double n = 2.0 * axes;
  for (int k = 0; k < axes; ++k) {
    EXPECT_NEAR(pca.variance(k), 2 * a(k) * a(k) / (n - 1), 1e-12) << k;
    EXPECT_NEAR(std::abs(pca.components.col(k).dot(q.col(k))), 1.0, 1e-12) << k;
  }
  EXPECT_NEAR(pca.explained_variance_ratios().sum(), 1.0, 1e-12);
}

TEST(Pca, ComponentsForAFractionCountTheCumulativeRatio) {
  const int l = 5;
  // Variance shares 0.6, 0.3, 0.06, 0.03, 0.01: cumulative 0.6, 0.9, 0.96, 0.99, 1.
  Eigen::VectorXd a(l);
  a << std::sqrt(0.6), std::sqrt(0.3), std::sqrt(0.06), std::sqrt(0.03), std::sqrt(0.01);
  const auto pca = fit_pca(axis_pairs(random_rotation(l, 3), a, Eigen::VectorXd::Zero(l)));
  EXPECT_NEAR(pca.explained_variance_ratio(0), 0.6, 1e-12);
  EXPECT_EQ(pca.components_for(0.5), 1);
  EXPECT_EQ(pca.components_for(0.90), 2);  // exactly 0.9: reached, up to round-off
  EXPECT_EQ(pca.components_for(0.95), 3);
  EXPECT_EQ(pca.components_for(0.99), 4);
  EXPECT_EQ(pca.components_for(1.0), 5);
  EXPECT_THROW(pca.components_for(0.0), std::invalid_argument);
  EXPECT_THROW(pca.components_for(1.5), std::invalid_argument);
}

TEST(Pca, ScoresOfGaussianDataAreCentredUncorrelatedWithTheAxisVariances) {
  const int l = 4, n = 4000;
  const Eigen::MatrixXd q = random_rotation(l, 5);
  const Eigen::Vector4d sigma(3.0, 2.0, 1.0, 0.25);
  mspipe::core::Rng rng(1, 2, "gauss");
  Eigen::MatrixXd x(n, l);
  for (int i = 0; i < n; ++i) {
    Eigen::Vector4d z;
    for (int k = 0; k < l; ++k) z(k) = sigma(k) * rng.normal();
    x.row(i) = (q * z).transpose();
  }
  const auto pca = fit_pca(x);
  const Eigen::MatrixXd s = pca.project(x);
  const Eigen::MatrixXd cov = s.transpose() * s / double(n - 1);
  for (int k = 0; k < l; ++k) {
    EXPECT_NEAR(s.col(k).mean(), 0.0, 1e-10);
    EXPECT_NEAR(cov(k, k), pca.variance(k), 1e-9 * pca.variance(k));
    for (int j = 0; j < k; ++j) EXPECT_NEAR(cov(k, j), 0.0, 1e-9);
    // Sampling error of a variance from 4000 draws is about 2.2 % (sqrt(2/n)); 5 sigma.
    EXPECT_NEAR(pca.variance(k), sigma(k) * sigma(k), 0.11 * sigma(k) * sigma(k)) << k;
    EXPECT_GT(std::abs(pca.components.col(k).dot(q.col(k))), 0.99) << k;
  }
}

TEST(Pca, CapsComponentsAtRowsMinusOneAndTheRequestedNumber) {
  Eigen::MatrixXd x(3, 6);
  x << 1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1, 2, 2, 1, 1, 0, 0;
  EXPECT_EQ(fit_pca(x).size(), 2);
  EXPECT_EQ(fit_pca(x, 1).size(), 1);
  EXPECT_EQ(fit_pca(x).project(x, 1).cols(), 1);
}

TEST(Pca, RejectsNanTooFewRowsAndWrongWidths) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(4, 3);
  x(2, 1) = std::nan("");
  try {
    fit_pca(x);
    FAIL() << "NaN accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 2, column 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(fit_pca(Eigen::MatrixXd::Ones(1, 3)), std::invalid_argument);
  const auto pca = fit_pca(Eigen::MatrixXd::Random(5, 3));
  EXPECT_THROW(pca.project(Eigen::MatrixXd::Ones(2, 4)), std::invalid_argument);
  EXPECT_THROW(pca.project(Eigen::MatrixXd::Ones(2, 3), 7), std::invalid_argument);
}

TEST(Pca, RowsToMatrixReadsRowMajorFloats) {
  const std::vector<float> v = {1, 2, 3, 4, 5, 6};
  const auto m = mspipe::analysis::rows_to_matrix(v, 2, 3);
  EXPECT_EQ(m(0, 2), 3);
  EXPECT_EQ(m(1, 0), 4);
  EXPECT_THROW(mspipe::analysis::rows_to_matrix(v, 4, 2), std::invalid_argument);
}

}  // namespace
