// Several collectors on real communicators: each collector's farm holds exactly the ranks
// collectors.hpp gives it; and the merge written by several ranks through parallel HDF5
// is the serial merge's file, with the same refusals, raised on every rank before anything
// is written.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "campaign/collector_storage.hpp"
#include "campaign/collectors.hpp"
#include "campaign/merge.hpp"
#include "core/errors.hpp"
#include "io/campaign_file.hpp"
#include "support/campaign_records.hpp"
#include "support/scratch_dir.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using campaign::Role;
using campaign::Status;

namespace {

// Rank 0 writes records through collectors 0 and 1 (some only in a journal), with
// messages (failed tries), and, when `resumed`, an id interrupted at collector 0 and
// finished by collector 1 (a rerun with another layout).
fs::path folder(const core::Comm& world, const std::string& name, const campaign::Identity& id,
                bool resumed) {
  const auto dir = test_scratch::fresh_scratch_dir(name, world);
  if (world.is_root()) {
    {
      campaign::CollectorStorage s(dir, id, {.collector = 0, .shard_size = 3});
      for (std::int64_t v : {0, 2, 4, 6, 8}) s.append(test_campaign::record(v, id));
      s.append(test_campaign::record(9, id, Status::failed, 3));
      if (resumed) s.append(test_campaign::record(10, id, Status::interrupted, 1));
      s.finish();
    }
    campaign::CollectorStorage s(dir, id, {.collector = 1, .shard_size = 4});
    for (std::int64_t v : {1, 3, 5, 7}) s.append(test_campaign::record(v, id));
    if (resumed) s.append(test_campaign::record(10, id, Status::converged, 1));
    s.sync();  // 10 (when there) stays in the journal
  }
  world.barrier();
  return dir;
}

// Every rank's error message, or "" (the same on every rank when the error is collective).
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::CollectiveError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Collectors, TwoCollectorsEachHaveTheirOwnFarm) {
  core::Comm world(MPI_COMM_WORLD);
  if (world.size() < 4) GTEST_SKIP() << "needs 4 ranks";
  const auto layout = campaign::resolve(world.size(), {.collectors = 2, .trainers = 0}, true);
  const auto s = campaign::split_roles(world, layout);
  const int c = campaign::collector_of(world.rank(), layout, world.size());
  EXPECT_EQ(s.collector, c);
  EXPECT_EQ(s.farm.rank(), campaign::farm_rank_of(world.rank(), layout, world.size()));
  const auto share = campaign::share_of(layout, world.size(), c);
  EXPECT_EQ(s.farm.size(), 1 + share.groups * layout.ranks_per_sim);
  if (s.role == Role::collector) {
    EXPECT_EQ(s.farm.rank(), 0);
    EXPECT_EQ(s.role_comm.size(), 2);
  }
  // The farms partition the world: their sizes add up, each counted by its collector.
  EXPECT_EQ(world.sum(s.role == Role::collector ? s.farm.size() : 0), world.size());
}

TEST(ParallelMerge, WritesTheSerialMergesFile) {
  core::Comm world(MPI_COMM_WORLD);
  const auto id = test_campaign::identity(8, 3);
  const auto dir = folder(world, "parallel_merge", id, true);
  const campaign::MergeOptions o{.first_id = 0, .count = 11, .max_attempts = 3};
  if (world.is_root()) campaign::merge(dir, dir / "serial.h5", o);
  const auto summary = campaign::merge(dir, dir / "parallel.h5", o, world);
  EXPECT_EQ(summary.rows, 11u);
  EXPECT_EQ(summary.per_status[std::size_t(Status::failed)], 1u);
  world.barrier();
  if (!world.is_root()) return;
  EXPECT_FALSE(fs::exists(dir / "parallel.h5.tmp"));
  const auto a = io::read_campaign_file(dir / "serial.h5");
  const auto b = io::read_campaign_file(dir / "parallel.h5");
  EXPECT_EQ(io::identity_difference(a.identity, b.identity), "");
  EXPECT_EQ(a.identity.strain, b.identity.strain);
  EXPECT_EQ(a.rows.ve_id, b.rows.ve_id);
  EXPECT_EQ(a.rows.status, b.rows.status);
  EXPECT_EQ(a.rows.attempts, b.rows.attempts);
  EXPECT_EQ(a.rows.iterations, b.rows.iterations);
  EXPECT_EQ(a.rows.wall_s, b.rows.wall_s);
  EXPECT_EQ(a.rows.fingerprint, b.rows.fingerprint);
  EXPECT_EQ(a.rows.stress, b.rows.stress);
  EXPECT_EQ(a.rows.message, b.rows.message);
  EXPECT_EQ(a.rows.message_offset, b.rows.message_offset);
  // What the rows hold: id 9's message, id 10 finished by the other collector.
  ASSERT_EQ(b.rows.size(), 11u);
  const auto layout = campaign::layout_of(id);
  EXPECT_EQ(campaign::row(b.rows, 9, layout), test_campaign::record(9, id, Status::failed, 3));
  EXPECT_EQ(campaign::row(b.rows, 10, layout), test_campaign::record(10, id));
}

TEST(ParallelMerge, RefusesOnEveryRankWithRankZerosMessageAndWritesNothing) {
  core::Comm world(MPI_COMM_WORLD);
  const auto id = test_campaign::identity(8, 3);
  const auto dir = folder(world, "parallel_merge_refused", id, false);
  // Ids 0..9 are there; 10 and 11 are not.
  const auto missing = error_of([&] {
    campaign::merge(dir, dir / "m.h5", {.first_id = 0, .count = 12, .max_attempts = 3}, world);
  });
  EXPECT_NE(missing.find("campaign merge: missing 2 ids: 10, 11"), std::string::npos) << missing;
  std::string root_message = missing;
  world.bcast(root_message);
  EXPECT_EQ(missing, root_message);
  // An id finished by two collectors: the id ranges overlapped.
  if (world.is_root()) {
    campaign::CollectorStorage s(dir, id, {.collector = 1, .shard_size = 4});
    s.append(test_campaign::record(0, id));
    s.sync();
  }
  world.barrier();
  const auto twice = error_of([&] { campaign::merge(dir, dir / "m.h5", {}, world); });
  EXPECT_NE(twice.find("duplicated ids, recorded by more than one collector: 1 id: 0"),
            std::string::npos)
      << twice;
  world.barrier();
  EXPECT_FALSE(fs::exists(dir / "m.h5"));
  EXPECT_FALSE(fs::exists(dir / "m.h5.tmp"));
}
