// Writes small data sets and mspipe's analysis of them as CSV files into a folder, for
// sklearn_check.py to redo with scikit-learn and compare (an independent implementation).
//   analysis_sklearn_dump DIR
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/pca.hpp"
#include "core/rng.hpp"

namespace {

namespace fs = std::filesystem;

void write_csv(const fs::path& path, const Eigen::MatrixXd& m) {
  std::ofstream out(path);
  out.precision(17);
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) out << m(i, j) << (j + 1 < m.cols() ? ',' : '\n');
}

// 40 x 6, correlated columns of different scales: a generic small matrix.
Eigen::MatrixXd pca_data() {
  mspipe::core::Rng rng(7, 0, "pca_data");
  Eigen::MatrixXd mix = Eigen::MatrixXd::Zero(6, 6);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) mix(i, j) = rng.normal() * (1.0 + i);
  Eigen::MatrixXd x(40, 6);
  for (int r = 0; r < 40; ++r)
    for (int c = 0; c < 6; ++c) x(r, c) = rng.normal();
  return x * mix + Eigen::MatrixXd::Constant(40, 6, 3.0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: analysis_sklearn_dump DIR\n";
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  const Eigen::MatrixXd x = pca_data();
  const auto pca = mspipe::analysis::fit_pca(x);
  write_csv(dir / "pca_data.csv", x);
  write_csv(dir / "pca_components.csv", pca.components.transpose());
  write_csv(dir / "pca_variance.csv", pca.variance.transpose());
  write_csv(dir / "pca_ratio.csv", pca.explained_variance_ratios().transpose());
  write_csv(dir / "pca_scores.csv", pca.project(x));
  return 0;
}
