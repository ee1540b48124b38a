#include <gtest/gtest.h>

#include <vector>

#include "core/suggest.hpp"

using namespace mspipe::core;

TEST(Suggest, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // the textbook example
  EXPECT_EQ(edit_distance("learnig_rate", "learning_rate"), 1u);
  EXPECT_EQ(edit_distance("ab", "ba"), 2u);  // a swap is two edits
}

TEST(Suggest, ClosestMatchWithinTheLimitFirstOfEquals) {
  const std::vector<std::string> keys = {"xi_0_sl", "xi_inf_sl", "n_sl"};
  EXPECT_EQ(closest_match("xi_infinity_sl", keys, 7), std::optional<std::string>("xi_inf_sl"));
  EXPECT_EQ(closest_match("xi_infinity_sl", keys, 4), std::nullopt);  // 5 edits away
  EXPECT_EQ(closest_match("a", std::vector<std::string>{"b", "c"}, 1), std::optional<std::string>("b"));
  EXPECT_EQ(closest_match("R", std::vector<std::string>{"O"}, 0), std::nullopt);
}

TEST(Suggest, AskedKeysFindsTheFirstKeyNobodyAskedFor) {
  AskedKeys asked;
  asked.ask("epochs");
  asked.ask("lr");
  EXPECT_TRUE(asked.asked("lr"));
  EXPECT_FALSE(asked.asked("seed"));
  EXPECT_EQ(asked.first_unasked({"epochs", "lr"}), std::nullopt);
  EXPECT_EQ(asked.first_unasked({"lr", "seeds", "x"}), std::optional<std::string>("seeds"));
}
