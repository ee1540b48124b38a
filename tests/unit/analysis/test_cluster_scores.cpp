// Label matching and the adjusted Rand index against hand-computed answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "analysis/cluster_scores.hpp"
#include "core/rng.hpp"

namespace {

using namespace mspipe::analysis;

TEST(Assignment, MatchesBruteForceOverAllPermutations) {
  mspipe::core::Rng rng(3, 0, "cost");
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 1 + trial % 6;
    Eigen::MatrixXd cost(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) cost(i, j) = std::floor(rng.uniform(-5, 10));  // ties too
    std::vector<int> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    double best = 1e300;
    do {
      double c = 0;
      for (int i = 0; i < n; ++i) c += cost(i, perm[i]);
      best = std::min(best, c);
    } while (std::next_permutation(perm.begin(), perm.end()));
    const auto a = min_cost_assignment(cost);
    std::vector<int> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < n; ++i) EXPECT_EQ(sorted[i], i);  // a permutation
    double c = 0;
    for (int i = 0; i < n; ++i) c += cost(i, a[i]);
    EXPECT_DOUBLE_EQ(c, best) << "trial " << trial;
  }
}

TEST(LabelMatching, UndoesAKnownPermutation) {
  const std::vector<int> truth = {0, 0, 1, 1, 2, 2, 3, 3};
  // Clusters named 2, 0, 3, 1 for classes 0, 1, 2, 3.
  const std::vector<int> predicted = {2, 2, 0, 0, 3, 3, 1, 1};
  const auto m = match_labels(truth, predicted);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
  EXPECT_EQ(m.predicted, truth);
}

TEST(LabelMatching, CountsTheBestAgreementByHand) {
  // Class 0 = {0,1,2}, class 1 = {3,4,5}; cluster 7 = {0,1,3}, cluster 4 = {2,4,5}.
  // 7 -> 0 and 4 -> 1 agree on 4 of 6 points; the other way on 2.
  const std::vector<int> truth = {0, 0, 0, 1, 1, 1};
  const std::vector<int> predicted = {7, 7, 4, 7, 4, 4};
  const auto m = match_labels(truth, predicted);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6.0);
  EXPECT_EQ(m.predicted, (std::vector<int>{0, 0, 1, 0, 1, 1}));
}

TEST(LabelMatching, MoreClustersThanClassesLeavesOneUnmatched) {
  const std::vector<int> truth = {0, 0, 0, 1, 1, 1};
  const std::vector<int> predicted = {0, 0, 1, 1, 2, 2};
  const auto m = match_labels(truth, predicted);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6.0);  // 0 -> 0, 2 -> 1, cluster 1 unmatched
  EXPECT_EQ(m.predicted[0], 0);
  EXPECT_EQ(m.predicted[4], 1);
  EXPECT_GE(m.predicted[2], 2);  // a fresh name, not a true class
}

TEST(AdjustedRand, HandComputedValues) {
  // Contingency [[2,1,0],[0,1,2]]: sum C(n_ij,2) = 2, rows 3+3 = 6, columns 1+1+1 = 3,
  // C(6,2) = 15: expected 6*3/15 = 1.2, maximum 4.5, ARI = 0.8 / 3.3.
  EXPECT_NEAR(
      adjusted_rand_index(std::vector<int>{0, 0, 0, 1, 1, 1}, std::vector<int>{0, 0, 1, 1, 2, 2}),
      0.8 / 3.3, 1e-15);
  // Contingency [[2,0],[1,1]] for 4 points: index 1, rows 1+1, columns 3+0 = 3, C(4,2) = 6:
  // expected 1, maximum 2.5, ARI 0.
  EXPECT_NEAR(adjusted_rand_index(std::vector<int>{0, 0, 1, 1}, std::vector<int>{0, 0, 0, 1}), 0.0,
              1e-15);
  // Renaming does not matter; a perfect split is 1.
  EXPECT_DOUBLE_EQ(adjusted_rand_index(std::vector<int>{0, 0, 1, 1}, std::vector<int>{5, 5, 3, 3}),
                   1.0);
  // Crossing the classes: contingency [[1,1],[1,1]], index 0, expected 2*2/6: ARI -0.5.
  EXPECT_NEAR(adjusted_rand_index(std::vector<int>{0, 0, 1, 1}, std::vector<int>{0, 1, 0, 1}), -0.5,
              1e-15);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(std::vector<int>{1, 1, 1}, std::vector<int>{4, 4, 4}), 1.0);
}

TEST(AdjustedRand, RejectsMismatchedLengthsAndNegativeLabels) {
  EXPECT_THROW(adjusted_rand_index(std::vector<int>{0, 1}, std::vector<int>{0}),
               std::invalid_argument);
  EXPECT_THROW(match_labels(std::vector<int>{0, -1}, std::vector<int>{0, 1}),
               std::invalid_argument);
  EXPECT_THROW(match_labels(std::vector<int>{}, std::vector<int>{}), std::invalid_argument);
}

}  // namespace
