// campaign::resolve: the automatic choice, the fit rule, and errors that name the keys
// and suggest a layout that fits (checked by resolving the suggestion).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "campaign/layout.hpp"
#include "core/errors.hpp"
#include "layout_error.hpp"

using namespace mspipe;
using campaign::Layout;
using campaign::Role;

namespace {

const auto error_of = test_campaign::layout_error;

// The suggestion in an error message, parsed back.
Layout suggestion_in(const std::string& message) {
  std::smatch m;
  const std::regex re("collectors = (\\d+), trainers = (\\d+), ranks_per_sim = (\\d+)$");
  if (!std::regex_search(message, m, re)) return {0, 0, 0};
  return {std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])};
}

}  // namespace

TEST(Layout, AutomaticWithACheckpointMakesEveryOtherRankASingleRankWorker) {
  for (int w : {2, 3, 17, 64}) {
    const auto l = campaign::resolve(w, {}, true);
    EXPECT_EQ(l, (Layout{1, 0, 1}));
    EXPECT_EQ(l.groups(w), w - 1);
  }
}

TEST(Layout, AutomaticWithoutACheckpointTrainsOnAQuarterButKeepsAGroup) {
  EXPECT_EQ(campaign::resolve(2, {}, false), (Layout{1, 0, 1}));  // no room for a trainer
  EXPECT_EQ(campaign::resolve(3, {}, false), (Layout{1, 1, 1}));
  EXPECT_EQ(campaign::resolve(9, {}, false), (Layout{1, 2, 1}));
  EXPECT_EQ(campaign::resolve(65, {}, false), (Layout{1, 16, 1}));
  // With wide groups, the trainers leave at least one group.
  EXPECT_EQ(campaign::resolve(5, {.ranks_per_sim = 4}, false), (Layout{1, 0, 4}));
}

TEST(Layout, GivenFieldsAreKeptWhenTheyFit) {
  const auto l = campaign::resolve(13, {.trainers = 4, .ranks_per_sim = 4}, false);
  EXPECT_EQ(l, (Layout{1, 4, 4}));
  EXPECT_EQ(l.groups(13), 2);
}

TEST(Layout, AutomaticTrainersComeInWholeLateGroups) {
  // 33 ranks, groups of 4: a quarter of 32 is 8 trainers, two late groups.
  EXPECT_EQ(campaign::resolve(33, {.ranks_per_sim = 4}, false), (Layout{1, 8, 4}));
  // 13 ranks, groups of 4: a quarter is 3, rounded up to one late group of 4.
  EXPECT_EQ(campaign::resolve(13, {.ranks_per_sim = 4}, false), (Layout{1, 4, 4}));
  // 9 ranks, groups of 4: one late group leaves one group.
  EXPECT_EQ(campaign::resolve(9, {.ranks_per_sim = 4}, false), (Layout{1, 4, 4}));
}

TEST(Layout, TrainersNeedNotFormWholeGroups) {
  // 10 ranks = 1 + 1 + 2 * 4: the one trainer joins the pool as a group of 1.
  const auto l = campaign::resolve(10, {.trainers = 1, .ranks_per_sim = 4}, false);
  EXPECT_EQ(l, (Layout{1, 1, 4}));
  EXPECT_EQ(l.groups(10), 2);
  EXPECT_EQ(l.late_groups(), 1);
  // The paper's 512 ranks in groups of 4: 511 = 127 trainers + 96 groups of 4, and the
  // trainers join as 31 groups of 4 and one of 3.
  const auto paper = campaign::resolve(512, {.ranks_per_sim = 4}, false);
  EXPECT_EQ(paper, (Layout{1, 127, 4}));
  EXPECT_EQ(paper.groups(512), 96);
  EXPECT_EQ(paper.late_groups(), 32);
  EXPECT_EQ(campaign::late_group_of(126, paper, 512), 96 + 31);
  // 4,096 ranks: 4,095 = 1,023 + 768 * 4.
  EXPECT_EQ(campaign::resolve(4096, {.ranks_per_sim = 4}, false), (Layout{1, 1023, 4}));
  // With a checkpoint the same ranks do not fit groups of 4 (511 is no multiple of 4).
  EXPECT_NE(error_of(512, {.ranks_per_sim = 4}, true).find("not a multiple of ranks_per_sim"),
            std::string::npos);
}

TEST(Layout, LateGroupsContinueTheGroupNumbersAndFarmRanks) {
  const Layout l{1, 4, 2};  // 9 ranks: 0 | trainers 1 2 3 4 | groups 5 6, 7 8
  EXPECT_EQ(l.groups(9), 2);
  EXPECT_EQ(campaign::late_group_of(0, l, 9), 2);
  EXPECT_EQ(campaign::late_group_of(1, l, 9), 2);
  EXPECT_EQ(campaign::late_group_of(3, l, 9), 3);
  // Farm order: collector, the groups' ranks, then the trainers; the root of every
  // group, late or not, is farm rank 1 + g * ranks_per_sim.
  const int farm[9] = {0, 5, 6, 7, 8, 1, 2, 3, 4};
  for (int r = 0; r < 9; ++r) EXPECT_EQ(campaign::farm_rank_of(r, l, 9), farm[r]) << r;
  EXPECT_EQ(campaign::farm_rank_of(1, l, 9), 1 + campaign::late_group_of(0, l, 9) * 2);
  EXPECT_EQ(campaign::farm_rank_of(3, l, 9), 1 + campaign::late_group_of(2, l, 9) * 2);
}

TEST(Layout, ARemainderNamesTheKeysAndSuggestsALayoutThatFits) {
  const auto e = error_of(8, {.trainers = 2, .ranks_per_sim = 4}, false);
  EXPECT_NE(e.find("job.toml: error: campaign.layout.trainers, campaign.layout.ranks_per_sim:"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("leaves 5 of 8 ranks"), std::string::npos) << e;
  const Layout s = suggestion_in(e);
  // 7 ranks after the collector take no groups of 4: the largest group size that divides
  // them (1), with the trainers kept.
  EXPECT_EQ(s, (Layout{1, 2, 1}));
  EXPECT_EQ(campaign::resolve(8, s, false), s);
}

TEST(Layout, EverySuggestionFitsItsWorld) {
  for (int w = 2; w <= 40; ++w)
    for (int c = 1; c <= 4; ++c)
      for (int t = 0; t <= 6; ++t)
        for (int r = 1; r <= 9; ++r) {
          const auto e = error_of(w, {.collectors = c, .trainers = t, .ranks_per_sim = r}, false);
          if (e.empty()) continue;
          const Layout s = suggestion_in(e);
          EXPECT_NO_THROW(campaign::resolve(w, s, false))
              << w << " " << c << " " << t << " " << r << ": " << e;
        }
}

TEST(Layout, BadValuesNameTheirKey) {
  EXPECT_NE(error_of(4, {.collectors = 0}, true).find("campaign.layout.collectors: must be >= 1"),
            std::string::npos);
  EXPECT_NE(error_of(4, {.trainers = -3}, true).find("campaign.layout.trainers: must be >= 0"),
            std::string::npos);
  EXPECT_NE(
      error_of(4, {.ranks_per_sim = 0}, true).find("campaign.layout.ranks_per_sim: must be >= 1"),
      std::string::npos);
  EXPECT_NE(error_of(1, {}, true).find("at least 2 ranks"), std::string::npos);
}

TEST(Layout, RoleOfWalksCollectorsTrainersThenGroups) {
  const Layout l{1, 2, 3};  // 9 ranks: 0 | 1 2 | 3 4 5 | 6 7 8
  int g = 0;
  EXPECT_EQ(campaign::role_of(0, l, &g), Role::collector);
  EXPECT_EQ(g, -1);
  EXPECT_EQ(campaign::role_of(2, l, &g), Role::trainer);
  EXPECT_EQ(campaign::role_of(3, l, &g), Role::worker);
  EXPECT_EQ(g, 0);
  EXPECT_EQ(campaign::role_of(5, l, &g), Role::worker);
  EXPECT_EQ(g, 0);
  EXPECT_EQ(campaign::role_of(6, l, &g), Role::worker);
  EXPECT_EQ(g, 1);
}
