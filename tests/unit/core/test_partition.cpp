#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "core/partition.hpp"

using namespace mspipe::core;

static_assert(block_range(10, 4, 2) == Range1D{6, 8});  // usable at compile time

TEST(Partition, TenItemsOverFourPartsAreThreeThreeTwoTwo) {
  EXPECT_EQ(block_range(10, 4, 0), (Range1D{0, 3}));
  EXPECT_EQ(block_range(10, 4, 1), (Range1D{3, 6}));
  EXPECT_EQ(block_range(10, 4, 2), (Range1D{6, 8}));
  EXPECT_EQ(block_range(10, 4, 3), (Range1D{8, 10}));
}

TEST(Partition, BlocksTileTheRangeInOrderAndDifferByAtMostOne) {
  for (std::int64_t n = 0; n <= 40; ++n)
    for (int parts = 1; parts <= 9; ++parts) {
      std::int64_t next = 0;
      for (int k = 0; k < parts; ++k) {
        const auto b = block_range(n, parts, k);
        EXPECT_EQ(b.begin, next) << n << " items, block " << k << " of " << parts;
        // The first n % parts blocks hold one item more than the rest.
        EXPECT_EQ(b.size(), n / parts + (k < n % parts ? 1 : 0)) << n << " " << parts << " " << k;
        next = b.end;
      }
      EXPECT_EQ(next, n);
    }
}

TEST(Partition, MorePartsThanItemsLeavesTheLastBlocksEmptyAtTheEnd) {
  EXPECT_EQ(block_range(2, 4, 1), (Range1D{1, 2}));
  EXPECT_TRUE(block_range(2, 4, 2).empty());
  EXPECT_EQ(block_range(2, 4, 3), (Range1D{2, 2}));
  EXPECT_TRUE(block_range(0, 3, 0).empty());
}

TEST(Partition, OwnerIsTheBlockThatContainsTheItem) {
  for (std::int64_t n = 1; n <= 30; ++n)
    for (int parts = 1; parts <= 7; ++parts)
      for (std::int64_t i = 0; i < n; ++i) {
        const int k = block_owner(n, parts, i);
        EXPECT_TRUE(block_range(n, parts, k).contains(i)) << n << " " << parts << " " << i;
      }
}

TEST(Partition, CountsBeyondThirtyTwoBits) {
  const std::int64_t n = 5'000'000'001;  // 3 parts: 1'666'666'667 + 1'666'666'667 + 1'666'666'667
  EXPECT_EQ(block_range(n, 3, 2), (Range1D{3'333'333'334, n}));
  EXPECT_EQ(block_owner(n, 3, n - 1), 2);
}

TEST(Partition, InvalidArgumentsAreRefused) {
  EXPECT_THROW(block_range(-1, 2, 0), std::invalid_argument);
  EXPECT_THROW(block_range(4, 0, 0), std::invalid_argument);
  EXPECT_THROW(block_range(4, 2, 2), std::invalid_argument);
  EXPECT_THROW(block_owner(4, 2, 4), std::invalid_argument);
}
