// Several collectors (campaign/collectors.hpp): who serves which groups, trainers and ids,
// where each rank sits in its collector's farm, and the layouts that are refused.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "campaign/collectors.hpp"
#include "core/errors.hpp"
#include "layout_error.hpp"

using namespace mspipe;
using campaign::Layout;
using campaign::Role;

namespace {

const auto error_of = test_campaign::layout_error;

}  // namespace

TEST(Collectors, TwoCollectorsTakeAlternateGroupsAndBlocksOfIds) {
  // 7 ranks: collectors 0 1 | groups 0..4 at ranks 2..6.
  const auto l = campaign::resolve(7, {.collectors = 2, .trainers = 0, .ranks_per_sim = 1}, true);
  EXPECT_EQ(l.groups(7), 5);
  const auto a = campaign::share_of(l, 7, 0), b = campaign::share_of(l, 7, 1);
  EXPECT_EQ(a.groups, 3);  // groups 0, 2, 4
  EXPECT_EQ(b.groups, 2);  // groups 1, 3
  // Ids in proportion to the groups: 3/5 and 2/5 of 100, one block after the other.
  const auto ia = campaign::ids_of(l, 7, 0, 10, 100), ib = campaign::ids_of(l, 7, 1, 10, 100);
  EXPECT_EQ(ia.first_id, 10);
  EXPECT_EQ(ia.count, 60);
  EXPECT_EQ(ib.first_id, 70);
  EXPECT_EQ(ib.count, 40);
  // Farm ranks: collector 0's farm is world ranks 0, 2, 4, 6; collector 1's is 1, 3, 5.
  const int collector[7] = {0, 1, 0, 1, 0, 1, 0}, farm[7] = {0, 0, 1, 1, 2, 2, 3};
  for (int r = 0; r < 7; ++r) {
    EXPECT_EQ(campaign::collector_of(r, l, 7), collector[r]) << r;
    EXPECT_EQ(campaign::farm_rank_of(r, l, 7), farm[r]) << r;
  }
}

TEST(Collectors, EachCollectorGetsABlockOfTrainersAndItsLateGroups) {
  // 10 ranks, groups of 2: collectors 0 1 | trainers 0..3 at ranks 2..5 | groups 0, 1.
  const Layout l =
      campaign::resolve(10, {.collectors = 2, .trainers = 4, .ranks_per_sim = 2}, false);
  EXPECT_EQ(l.groups(10), 2);
  for (int c = 0; c < 2; ++c) {
    const auto s = campaign::share_of(l, 10, c);
    EXPECT_EQ(s.groups, 1);
    EXPECT_EQ(s.first_trainer, 2 * c);
    EXPECT_EQ(s.trainers, 2);
    EXPECT_EQ(s.late_groups, 1);
  }
  // Trainers 0, 1 serve collector 0 and form its late group 1 (after its regular group 0);
  // trainers 2, 3 the same for collector 1.
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(campaign::collector_of(2 + t, l, 10), t / 2) << t;
    EXPECT_EQ(campaign::late_group_of(t, l, 10), 1) << t;
    EXPECT_EQ(campaign::farm_rank_of(2 + t, l, 10), 1 + 1 * 2 + t % 2) << t;
  }
  // Group g's ranks 6 + 2g, 7 + 2g: group 0 at collector 0's farm ranks 1, 2.
  EXPECT_EQ(campaign::collector_of(6, l, 10), 0);
  EXPECT_EQ(campaign::farm_rank_of(7, l, 10), 2);
  EXPECT_EQ(campaign::collector_of(8, l, 10), 1);
  EXPECT_EQ(campaign::farm_rank_of(8, l, 10), 1);
}

TEST(Collectors, FarmsPartitionTheWorldAndBlocksTheIds) {
  for (int w = 2; w <= 30; ++w)
    for (int c = 1; c <= 4; ++c)
      for (int t = 0; t <= 5; ++t)
        for (int r = 1; r <= 3; ++r) {
          Layout l;
          try {
            l = campaign::resolve(w, {.collectors = c, .trainers = t, .ranks_per_sim = r}, t == 0);
          } catch (const core::ConfigError&) {
            continue;
          }
          std::vector<std::set<int>> farm(std::size_t(l.collectors));
          for (int k = 0; k < w; ++k)
            farm[std::size_t(campaign::collector_of(k, l, w))].insert(
                campaign::farm_rank_of(k, l, w));
          std::int64_t next = 5;
          for (int k = 0; k < l.collectors; ++k) {
            const auto s = campaign::share_of(l, w, k);
            const auto ids = campaign::ids_of(l, w, k, 5, 1000);
            // Every farm rank 0 .. size - 1 once: the manager's arithmetic holds.
            const std::size_t size = std::size_t(1 + s.groups * r + s.trainers);
            EXPECT_EQ(farm[std::size_t(k)].size(), size) << w << " " << c << " " << t << " " << r;
            EXPECT_EQ(*farm[std::size_t(k)].rbegin(), int(size) - 1);
            EXPECT_GE(s.served(), 1);
            EXPECT_EQ(ids.first_id, next);
            next += ids.count;
          }
          EXPECT_EQ(next, 1005) << w << " " << c << " " << t << " " << r;
        }
}

TEST(Collectors, TrainingNeedsATrainerPerCollector) {
  const auto e = error_of(8, {.collectors = 2, .trainers = 1, .ranks_per_sim = 1}, false);
  EXPECT_NE(e.find("job.toml: error: campaign.layout.collectors, campaign.layout.trainers: 2 "
                   "collectors need at least 2 trainers"),
            std::string::npos)
      << e;
  // The automatic choice gives each collector its trainers.
  const auto l = campaign::resolve(10, {.collectors = 3}, false);
  EXPECT_GE(l.trainers, 3);
}

TEST(Collectors, EveryCollectorNeedsAGroupToServe) {
  const auto e = error_of(4, {.collectors = 3, .trainers = 0, .ranks_per_sim = 1}, true);
  EXPECT_NE(e.find("campaign.layout.collectors: 3 collectors for 1 worker group(s)"),
            std::string::npos)
      << e;
}

TEST(Collectors, NarrowingGivesEachCollectorItsShareAndAStorageIndex) {
  const auto l = campaign::resolve(6, {.collectors = 2, .trainers = 0, .ranks_per_sim = 2}, true);
  campaign::FarmOptions job{.first_id = 100, .count = 9};
  campaign::StorageOptions storage;
  auto farm = job;
  campaign::narrow_to_collector(farm, storage, l, 6, 1, 3);  // shard 3 of a job array
  EXPECT_EQ(farm.groups, 1);
  EXPECT_EQ(farm.first_id, 104);  // 9 * 1 / 2 = 4 ids for collector 0
  EXPECT_EQ(farm.count, 5);
  EXPECT_EQ(farm.trainers, 0);
  EXPECT_EQ(storage.collector, 3 * 2 + 1);
}
