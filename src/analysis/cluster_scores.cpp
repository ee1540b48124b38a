#include "analysis/cluster_scores.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

namespace mspipe::analysis {

std::vector<int> min_cost_assignment(const Eigen::MatrixXd& cost) {
  const int n = int(cost.rows());
  if (cost.cols() != n) throw std::invalid_argument("min_cost_assignment needs a square matrix");
  // Rows are added one at a time; a shortest augmenting path over reduced costs
  // c(i, j) - u(i) - v(j) >= 0 extends the matching while the potentials keep every
  // reduced cost non-negative and the matched ones zero. Index 0 is a virtual column.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0);
  std::vector<int> row_of(n + 1, 0), previous(n + 1, 0);  // row_of[col]: 1-based row
  for (int row = 1; row <= n; ++row) {
    row_of[0] = row;
    int col0 = 0;
    std::vector<double> slack(n + 1, inf);
    std::vector<char> visited(n + 1, 0);
    do {
      visited[col0] = 1;
      const int r = row_of[col0];
      double delta = inf;
      int next = 0;
      for (int c = 1; c <= n; ++c) {
        if (visited[c]) continue;
        const double reduced = cost(r - 1, c - 1) - u[r] - v[c];
        if (reduced < slack[c]) {
          slack[c] = reduced;
          previous[c] = col0;
        }
        if (slack[c] < delta) {
          delta = slack[c];
          next = c;
        }
      }
      for (int c = 0; c <= n; ++c) {
        if (visited[c]) {
          u[row_of[c]] += delta;
          v[c] -= delta;
        } else {
          slack[c] -= delta;
        }
      }
      col0 = next;
    } while (row_of[col0] != 0);
    do {  // flip the augmenting path
      const int prev = previous[col0];
      row_of[col0] = row_of[prev];
      col0 = prev;
    } while (col0 != 0);
  }
  std::vector<int> result(n, -1);
  for (int c = 1; c <= n; ++c) result[row_of[c] - 1] = c - 1;
  return result;
}

namespace {

// Labels renamed to 0..k-1 in order of first appearance; `names` maps back.
struct Compact {
  std::vector<int> index;
  std::vector<int> names;
};

Compact compact(std::span<const int> labels, const char* what) {
  Compact c;
  std::map<int, int> seen;
  c.index.reserve(labels.size());
  for (int l : labels) {
    if (l < 0) throw std::invalid_argument(fmt::format("{} label {} is negative", what, l));
    auto [it, fresh] = seen.try_emplace(l, int(c.names.size()));
    if (fresh) c.names.push_back(l);
    c.index.push_back(it->second);
  }
  return c;
}

void check_pair(std::span<const int> truth, std::span<const int> predicted) {
  if (truth.size() != predicted.size())
    throw std::invalid_argument(
        fmt::format("{} true labels but {} predicted ones", truth.size(), predicted.size()));
  if (truth.empty()) throw std::invalid_argument("no labels to compare");
}

// counts(i, j): points of true class i put in predicted cluster j.
Eigen::MatrixXd contingency(const Compact& t, const Compact& p) {
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(t.names.size(), p.names.size());
  for (std::size_t i = 0; i < t.index.size(); ++i) counts(t.index[i], p.index[i]) += 1;
  return counts;
}

double pairs(double n) {
  return n * (n - 1) / 2;
}

}  // namespace

LabelMatching match_labels(std::span<const int> truth, std::span<const int> predicted) {
  check_pair(truth, predicted);
  const Compact t = compact(truth, "true"), p = compact(predicted, "predicted");
  const Eigen::MatrixXd counts = contingency(t, p);
  const int size = int(std::max(counts.rows(), counts.cols()));
  Eigen::MatrixXd cost = Eigen::MatrixXd::Zero(size, size);  // padding rows/cols cost 0
  cost.topLeftCorner(counts.cols(), counts.rows()) = -counts.transpose();  // rows: clusters
  const auto assignment = min_cost_assignment(cost);

  const int fresh_base = *std::max_element(t.names.begin(), t.names.end()) + 1;
  std::vector<int> rename(p.names.size());
  LabelMatching m;
  double agree = 0;
  for (std::size_t cluster = 0; cluster < p.names.size(); ++cluster) {
    const int cls = assignment[cluster];
    if (cls < int(t.names.size())) {
      rename[cluster] = t.names[cls];
      agree += counts(cls, cluster);
    } else {
      rename[cluster] = fresh_base + cls;
    }
  }
  m.accuracy = agree / double(truth.size());
  m.predicted.reserve(predicted.size());
  for (int idx : p.index) m.predicted.push_back(rename[idx]);
  return m;
}

double adjusted_rand_index(std::span<const int> truth, std::span<const int> predicted) {
  check_pair(truth, predicted);
  const Compact t = compact(truth, "true"), p = compact(predicted, "predicted");
  const Eigen::MatrixXd counts = contingency(t, p);
  double index = 0, rows = 0, cols = 0;
  for (Eigen::Index i = 0; i < counts.rows(); ++i)
    for (Eigen::Index j = 0; j < counts.cols(); ++j) index += pairs(counts(i, j));
  for (Eigen::Index i = 0; i < counts.rows(); ++i) rows += pairs(counts.row(i).sum());
  for (Eigen::Index j = 0; j < counts.cols(); ++j) cols += pairs(counts.col(j).sum());
  const double expected = rows * cols / pairs(double(truth.size()));
  const double maximum = (rows + cols) / 2;
  if (maximum == expected) return 1.0;  // both trivial (one cluster, or all singletons)
  return (index - expected) / (maximum - expected);
}

}  // namespace mspipe::analysis
