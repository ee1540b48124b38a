#pragma once
// Scores of a clustering against known classes. Labels are any non-negative integers;
// they need not be contiguous, and the two labelings need not have the same number of
// distinct labels.
//
//   auto m = analysis::match_labels(truth, predicted);  // m.accuracy in [0, 1]
//   double ari = analysis::adjusted_rand_index(truth, predicted);
#include <Eigen/Dense>
#include <span>
#include <vector>

namespace mspipe::analysis {

// Minimum-cost perfect assignment of a square cost matrix (Hungarian / Kuhn-Munkres
// algorithm with potentials, O(n^3)): result[row] = column.
std::vector<int> min_cost_assignment(const Eigen::MatrixXd& cost);

struct LabelMatching {
  double accuracy = 0;         // share of points whose mapped label equals the truth
  std::vector<int> predicted;  // the predicted labels renamed to the matched true labels
                               // (a cluster matched to no class keeps a fresh label >= the
                               // largest true label + 1)
};

// The one-to-one renaming of predicted clusters to true classes that maximises the
// number of agreements (clustering accuracy). Throws std::invalid_argument for labelings
// of different lengths, an empty one or negative labels.
LabelMatching match_labels(std::span<const int> truth, std::span<const int> predicted);

// Hubert and Arabie's adjusted Rand index: 1 for identical partitions (whatever the
// names), about 0 for independent ones; 1 when both put every point in one cluster.
double adjusted_rand_index(std::span<const int> truth, std::span<const int> predicted);

}  // namespace mspipe::analysis
