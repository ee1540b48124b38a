// Writes small data sets and mspipe's analysis of them as CSV files into a folder, for
// sklearn_check.py to redo with scikit-learn and compare (an independent implementation).
//   analysis_sklearn_dump DIR
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/cluster_scores.hpp"
#include "analysis/clustering.hpp"
#include "analysis/pca.hpp"
#include "cluster_data.hpp"
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

Eigen::MatrixXd labels_row(const std::vector<int>& labels) {
  Eigen::MatrixXd m(1, labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) m(0, Eigen::Index(i)) = labels[i];
  return m;
}

// points, true labels, ours and the gamma used, as <name>_{points,truth,labels,gamma}.csv.
void dump_spectral(const fs::path& dir, const char* name, const mspipe::analysis::test::Labelled& d,
                   int clusters, double gamma) {
  mspipe::analysis::SpectralOptions opt;
  opt.clusters = clusters;
  opt.gamma = gamma;
  const auto sc = mspipe::analysis::spectral_clustering(d.points, opt);
  const std::string n = name;
  write_csv(dir / (n + "_points.csv"), d.points);
  write_csv(dir / (n + "_truth.csv"), labels_row(d.labels));
  write_csv(dir / (n + "_labels.csv"), labels_row(sc.labels));
  write_csv(dir / (n + "_gamma.csv"), Eigen::MatrixXd::Constant(1, 1, sc.gamma));
}

// Random labelings (3 to 5 labels, 30 points) and mspipe's ARI and matched accuracy:
// rows "truth...", "predicted...", then one row of (ari, accuracy) per pair.
void dump_scores(const fs::path& dir) {
  mspipe::core::Rng rng(8, 0, "labels");
  Eigen::MatrixXd truth(10, 30), predicted(10, 30), scores(10, 2);
  for (int p = 0; p < 10; ++p) {
    std::vector<int> t(30), q(30);
    for (int i = 0; i < 30; ++i) {
      t[i] = int(rng.uniform() * 3);
      q[i] = rng.uniform() < 0.6 ? t[i] : int(rng.uniform() * 5);  // partly agreeing
    }
    truth.row(p) = labels_row(t);
    predicted.row(p) = labels_row(q);
    scores(p, 0) = mspipe::analysis::adjusted_rand_index(t, q);
    scores(p, 1) = mspipe::analysis::match_labels(t, q).accuracy;
  }
  write_csv(dir / "scores_truth.csv", truth);
  write_csv(dir / "scores_predicted.csv", predicted);
  write_csv(dir / "scores_ours.csv", scores);
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
  namespace t = mspipe::analysis::test;
  dump_spectral(dir, "blobs", t::blobs(t::three_centres(), 30, 1.0, 12), 3, 0);
  dump_spectral(dir, "rings", t::rings(1.0, 3.0, 100, 0.05, 13), 2, 5);
  dump_scores(dir);
  return 0;
}
