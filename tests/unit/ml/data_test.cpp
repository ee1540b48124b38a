#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ml/evaluation.hpp"
#include "ml/trainer.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::ml {
namespace {

TEST(SyntheticSource, SameVeOnEveryCallPiecewiseConstantInUnitRange) {
  auto src = make_synthetic_source(11, 100, 5, 16, 6);
  EXPECT_EQ(src->size(), 5);
  EXPECT_EQ(src->id(2), 102);
  std::vector<float> a(src->floats_per_ve()), b(a.size()), c(a.size());
  src->load(2, a);
  src->load(2, b);
  src->load(3, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(std::all_of(a.begin(), a.end(), [](float v) { return v >= 0 && v <= 1; }));
  // Each voxel takes one of at most 6 grain orientations.
  std::set<std::array<float, 3>> orientations;
  const std::size_t v = 16 * 16 * 16;
  for (std::size_t i = 0; i < v; ++i) orientations.insert({a[i], a[v + i], a[2 * v + i]});
  EXPECT_LE(orientations.size(), 6u);
  EXPECT_GE(orientations.size(), 2u);
  EXPECT_THROW(src->load(5, a), std::out_of_range);
}

TEST(SyntheticSource, BatchTensorHoldsTheVesChannelMajor) {
  auto src = make_synthetic_source(3, 0, 4, 16, 4);
  std::vector<std::int64_t> idx{2, 0};
  auto x = load_batch(*src, idx);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, 3, 16, 16, 16}));
  std::vector<float> ve(src->floats_per_ve());
  src->load(2, ve);
  // voxel (x=5, y=1, z=7), channel 1 (Phi): index x + 16 (y + 16 z)
  EXPECT_EQ(x[0][1][7][1][5].item<float>(), ve[16 * 16 * 16 + 5 + 16 * (1 + 16 * 7)]);
}

TEST(TrainOrder, SplitIsDisjointCompleteAndFixedBySeed) {
  auto s = split_indices(50, 0.2, 9);
  EXPECT_EQ(s.test.size(), 10u);
  EXPECT_EQ(s.train.size(), 40u);
  std::set<std::int64_t> all(s.train.begin(), s.train.end());
  all.insert(s.test.begin(), s.test.end());
  EXPECT_EQ(all.size(), 50u);
  EXPECT_EQ(split_indices(50, 0.2, 9).test, s.test);
  EXPECT_NE(split_indices(50, 0.2, 10).test, s.test);
}

TEST(TrainOrder, EpochOrderIsAPermutationThatChangesPerEpoch) {
  auto s = split_indices(40, 0.1, 1);
  auto e0 = epoch_order(s.train, 0, 1), e1 = epoch_order(s.train, 1, 1);
  EXPECT_NE(e0, e1);
  EXPECT_EQ(e0, epoch_order(s.train, 0, 1));
  auto sorted0 = e0, sorted_train = s.train;
  std::sort(sorted0.begin(), sorted0.end());
  std::sort(sorted_train.begin(), sorted_train.end());
  EXPECT_EQ(sorted0, sorted_train);
}

}  // namespace
}  // namespace mspipe::ml
