#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "campaign/collector_storage.hpp"
#include "campaign/parts.hpp"
#include "campaign/state.hpp"
#include "core/errors.hpp"
#include "io/campaign_file.hpp"
#include "scratch.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using campaign::CollectorStorage;
using campaign::PartKind;

namespace {

// "s0 s1 j2": the parts of collector 0, in order.
std::string parts_of(const fs::path& dir) {
  std::string s;
  for (const auto& p : campaign::list_parts(dir))
    s += (s.empty() ? "" : " ") + std::string(p.kind == PartKind::shard ? "s" : "j") +
         std::to_string(p.index);
  return s;
}

}  // namespace

TEST(CollectorStorage, TicketsAreDurableAfterSync) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  CollectorStorage s(dir, id, {.collector = 0, .shard_size = 100});
  EXPECT_EQ(s.append(test_campaign::record(5, id)), 1u);
  EXPECT_EQ(s.append(test_campaign::record(6, id)), 2u);
  EXPECT_EQ(s.synced_count(), 0u);
  EXPECT_TRUE(campaign::rebuild(dir).done.empty());
  s.sync();
  EXPECT_EQ(s.synced_count(), 2u);
  EXPECT_EQ(campaign::rebuild(dir).done, (std::vector<std::int64_t>{5, 6}));
}

TEST(CollectorStorage, SyncIfDueSyncsOnlyAfterTheFlushInterval) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  CollectorStorage hourly(dir, id, {.collector = 0, .shard_size = 100, .flush_interval_s = 3600});
  hourly.append(test_campaign::record(1, id));
  EXPECT_FALSE(hourly.sync_if_due());
  EXPECT_EQ(hourly.synced_count(), 0u);
  CollectorStorage always(dir, id, {.collector = 1, .shard_size = 100, .flush_interval_s = 0});
  EXPECT_FALSE(always.sync_if_due());  // nothing waiting
  always.append(test_campaign::record(2, id));
  EXPECT_TRUE(always.sync_if_due());
  EXPECT_EQ(always.synced_count(), 1u);
}

TEST(CollectorStorage, FullShardsAreCommittedAndTheirSegmentsDeleted) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  {
    CollectorStorage s(dir, id, {.collector = 0, .shard_size = 4});
    for (int i = 0; i < 10; ++i) s.append(test_campaign::record(i, id));
    // Committing a shard syncs everything before it.
    EXPECT_EQ(s.synced_count(), 8u);
    EXPECT_EQ(parts_of(dir), "s0 s1 j2");
    EXPECT_EQ(s.shards_committed(), 2);
    s.finish();
    EXPECT_EQ(parts_of(dir), "s0 s1 s2");
    EXPECT_THROW(s.append(test_campaign::record(11, id)), std::logic_error);
  }
  const auto f = io::read_campaign_file(campaign::shard_path(dir, 0, 1));
  ASSERT_TRUE(f.shard);
  EXPECT_EQ(f.shard->index, 1);
  EXPECT_EQ(f.rows.ve_id, (std::vector<std::int64_t>{4, 5, 6, 7}));
  EXPECT_EQ(campaign::row(f.rows, 2, campaign::layout_of(id)), test_campaign::record(6, id));
  EXPECT_EQ(f.identity.strain, id.strain);
  const auto st = campaign::rebuild(dir);
  EXPECT_EQ(st.done.size(), 10u);
  EXPECT_EQ(st.shards, 3u);
  EXPECT_EQ(st.segments, 0u);
}

TEST(CollectorStorage, ReopenContinuesTheLiveSegmentAndNumbering) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  {
    CollectorStorage s(dir, id, {.collector = 0, .shard_size = 4});
    for (int i = 0; i < 6; ++i) s.append(test_campaign::record(i, id));
    s.sync();
    s.append(test_campaign::record(99, id));  // never synced: lost with the process
  }
  EXPECT_EQ(parts_of(dir), "s0 j1");
  CollectorStorage s(dir, id, {.collector = 0, .shard_size = 4});
  EXPECT_EQ(s.recovery().records_replayed, 2u);
  s.append(test_campaign::record(6, id));
  s.append(test_campaign::record(7, id));  // shard 1 = 4, 5, 6, 7
  EXPECT_EQ(parts_of(dir), "s0 s1 j2");
  EXPECT_EQ(io::read_campaign_file(campaign::shard_path(dir, 0, 1)).rows.ve_id,
            (std::vector<std::int64_t>{4, 5, 6, 7}));
  EXPECT_FALSE(campaign::rebuild(dir).find(99));
}

TEST(CollectorStorage, ReopenAfterACrashBetweenShardCommitAndSegmentDeletion) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  {
    CollectorStorage s(dir, id, {.collector = 0, .shard_size = 3});
    for (int i = 0; i < 2; ++i) s.append(test_campaign::record(i, id));
    s.sync();
    fs::copy_file(campaign::journal_path(dir, 0, 0), dir / "saved.log");
    s.append(test_campaign::record(2, id));
  }
  // The state a kill leaves after shard 0's rename but before segment 0's deletion
  // (segment 0 as synced, plus a shard being written: a .tmp).
  fs::rename(dir / "saved.log", campaign::journal_path(dir, 0, 0));
  std::ofstream(dir / "shard_0_1.h5.tmp") << "half an HDF5 file";
  EXPECT_EQ(campaign::rebuild(dir).done.size(), 3u);  // each id once
  CollectorStorage s(dir, id, {.collector = 0, .shard_size = 3});
  EXPECT_EQ(s.recovery().segments_removed, 1u);
  EXPECT_EQ(s.recovery().temporaries_removed, 1u);
  EXPECT_EQ(s.recovery().records_replayed, 0u);
  EXPECT_FALSE(fs::exists(dir / "shard_0_1.h5.tmp"));
  EXPECT_EQ(parts_of(dir), "s0 j1");
}

TEST(CollectorStorage, ASecondWriterOfTheSameCollectorIsRefused) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  CollectorStorage a(dir, id, {.collector = 0, .shard_size = 3});
  EXPECT_THROW(CollectorStorage(dir, id, {.collector = 0, .shard_size = 3}), core::InputError);
  CollectorStorage b(dir, id, {.collector = 1, .shard_size = 3});  // another collector is fine
}

TEST(CollectorStorage, ShardsOfAnotherCampaignAreRefused) {
  const auto dir = test_campaign::fresh_dir();
  {
    CollectorStorage s(dir, test_campaign::identity(8, 3, 1), {.collector = 0, .shard_size = 2});
    for (int i = 0; i < 2; ++i)
      s.append(test_campaign::record(i, test_campaign::identity(8, 3, 1)));
    s.finish();
  }
  const auto msg = test_campaign::input_error_of([&] {
    CollectorStorage s(dir, test_campaign::identity(8, 3, 2), {.collector = 0, .shard_size = 2});
  });
  EXPECT_NE(
      msg.find("shard_0_0.h5: error: shard of another campaign (shard vs this run: seed 1 vs 2)"),
      std::string::npos)
      << msg;
}
