// campaign::resolve: the automatic choice, the fit rule, and errors that name the keys
// and suggest a layout that fits (checked by resolving the suggestion).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "campaign/layout.hpp"
#include "core/errors.hpp"

using namespace mspipe;
using campaign::Layout;
using campaign::Role;

namespace {

std::string error_of(int world, Layout l, bool checkpoint) {
  try {
    campaign::resolve(world, l, checkpoint, "job.toml");
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

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
  const auto l = campaign::resolve(10, {.trainers = 1, .ranks_per_sim = 4}, false);
  EXPECT_EQ(l, (Layout{1, 1, 4}));
  EXPECT_EQ(l.groups(10), 2);
}

TEST(Layout, ARemainderNamesTheKeysAndSuggestsALayoutThatFits) {
  const auto e = error_of(8, {.trainers = 2, .ranks_per_sim = 4}, false);
  EXPECT_NE(e.find("job.toml: error: campaign.layout.trainers, campaign.layout.ranks_per_sim:"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("leaves 5 of 8 ranks"), std::string::npos) << e;
  const Layout s = suggestion_in(e);
  EXPECT_EQ(s, (Layout{1, 3, 4}));  // keeps ranks_per_sim, the remainder trains
  EXPECT_EQ(campaign::resolve(8, s, false), s);
}

TEST(Layout, EverySuggestionFitsItsWorld) {
  for (int w = 2; w <= 40; ++w)
    for (int t = 0; t <= 6; ++t)
      for (int r = 1; r <= 9; ++r) {
        const auto e = error_of(w, {.trainers = t, .ranks_per_sim = r}, false);
        if (e.empty()) continue;
        const Layout s = suggestion_in(e);
        EXPECT_NO_THROW(campaign::resolve(w, s, false)) << w << " " << t << " " << r << ": " << e;
      }
}

TEST(Layout, BadValuesNameTheirKey) {
  EXPECT_NE(error_of(4, {.collectors = 2}, true).find("campaign.layout.collectors: must be 1"),
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
