#include <gtest/gtest.h>

#include "campaign/collector_storage.hpp"
#include "campaign/state.hpp"
#include "core/errors.hpp"
#include "scratch.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
using campaign::Status;

TEST(CampaignState, TerminalStatusesAndAttempts) {
  EXPECT_TRUE(campaign::is_terminal(Status::converged, 1, 3));
  EXPECT_TRUE(campaign::is_terminal(Status::not_converged, 1, 3));
  EXPECT_TRUE(campaign::is_terminal(Status::timeout, 1, 3));
  EXPECT_FALSE(campaign::is_terminal(Status::failed, 2, 3));
  EXPECT_TRUE(campaign::is_terminal(Status::failed, 3, 3));
  EXPECT_FALSE(campaign::is_terminal(Status::interrupted, 9, 3));
}

TEST(CampaignState, RebuildKeepsOneRecordPerIdByTheDocumentedRule) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  {
    campaign::CollectorStorage s(dir, id, {.collector = 0, .shard_size = 3});
    s.append(test_campaign::record(1, id, Status::interrupted, 1));
    s.append(test_campaign::record(2, id, Status::failed, 1));
    s.append(test_campaign::record(3, id, Status::failed, 3));
    s.append(test_campaign::record(4, id, Status::converged, 1));    // shard 0 ends before this
    s.append(test_campaign::record(1, id, Status::converged, 2));    // rerun of 1 succeeded
    s.append(test_campaign::record(4, id, Status::interrupted, 2));  // stale duplicate of a done VE
    s.append(test_campaign::record(5, id, Status::timeout, 1));
    s.append(test_campaign::record(6, id, Status::interrupted, 1));
    s.sync();
  }
  const auto st = campaign::rebuild(dir, {.max_attempts = 3, .expect = &id});
  EXPECT_EQ(st.done, (std::vector<std::int64_t>{1, 3, 4, 5}));
  EXPECT_EQ(st.rerun, (std::vector<std::int64_t>{2, 6}));
  EXPECT_EQ(st.records_read, 8u);
  EXPECT_EQ(st.find(1)->attempts, 2);
  EXPECT_EQ(st.find(4)->status, Status::converged);
  EXPECT_EQ(st.find(2)->status, Status::failed);
  EXPECT_TRUE(st.is_done(3));
  EXPECT_FALSE(st.is_done(2));
  EXPECT_FALSE(st.find(7));
  // With more attempts allowed, the VE that failed 3 times runs again.
  EXPECT_EQ(campaign::rebuild(dir, {.max_attempts = 4}).rerun,
            (std::vector<std::int64_t>{2, 3, 6}));
}

TEST(CampaignState, AnEmptyOrMissingFolderHasNothingDone) {
  const auto dir = test_campaign::fresh_dir();
  const auto st = campaign::rebuild(dir / "nowhere");
  EXPECT_TRUE(st.entries.empty());
  EXPECT_FALSE(st.identity);
}

TEST(CampaignState, RebuildRefusesFilesOfTwoCampaigns) {
  const auto dir = test_campaign::fresh_dir();
  const auto a = test_campaign::identity(8, 3, 1), b = test_campaign::identity(8, 3, 2);
  campaign::CollectorStorage s0(dir, a, {.collector = 0, .shard_size = 3});
  campaign::CollectorStorage s1(dir, b, {.collector = 1, .shard_size = 3});
  EXPECT_THROW(campaign::rebuild(dir), core::InputError);
}
