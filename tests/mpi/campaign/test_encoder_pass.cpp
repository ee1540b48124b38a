// Trainers in the task farm, on 2 and 4 ranks: they "train" (sleep) while the worker
// groups simulate, deliver a fingerprint for every id (fake encoder: the fingerprint is a
// function of the id), and join the pool as late groups. The merged file holds every id
// once with the trainers' fingerprint and their checkpoint's digest; a stop during the
// encoder pass keeps every delivered fingerprint and the rerun encodes only the others.
// On 2 ranks there is no regular group: the trainer simulates everything after encoding.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "campaign/layout.hpp"
#include "campaign/merge.hpp"
#include "campaign/state.hpp"
#include "campaign/stop_signal.hpp"
#include "campaign/task_farm.hpp"
#include "core/errors.hpp"
#include "io/campaign_file.hpp"
#include "support/campaign_records.hpp"
#include "support/farm_runner.hpp"
#include "support/scratch_dir.hpp"

using namespace mspipe;
using campaign::Layout;
using campaign::Status;

namespace {

const campaign::Identity& identity() {
  static const auto id = test_campaign::trained_identity(8, 3);
  return id;
}
const std::string kDigest = "fnv1a64:00000000000000aa";

struct Run {
  campaign::FarmSummary summary;    // the manager's
  std::size_t encoded = 0;          // fingerprints sent, all trainers
  std::size_t late_tasks = 0;       // tasks run by late groups (counted on their roots)
  std::vector<std::int64_t> asked;  // ids the encoders were asked for, all trainers, sorted
};

// The default layout {1, 1, 1}: on 2 ranks a collector and a trainer (no regular group:
// the manager takes it, resolve() would not); on 4 ranks a collector, a trainer and two
// groups.
Run run_campaign(const core::Comm& world, const std::filesystem::path& dir,
                 campaign::FarmOptions options, double train_ms,
                 test_campaign::FakeEncoder& encoder, Layout layout = {1, 1, 1}) {
  const auto split = campaign::split_roles(world, layout);
  options.groups = layout.groups(world.size());
  options.ranks_per_sim = layout.ranks_per_sim;
  options.trainers = layout.trainers;
  options.vae_checkpoint_digest = kDigest;
  test_campaign::SleepyRunner runner(identity().points, 1, 4);
  Run run;
  std::size_t encoded = 0, late_tasks = 0;
  encoder.asked.clear();
  if (split.role == campaign::Role::collector) {
    run.summary =
        campaign::run_manager(split.farm, dir, identity(), {.flush_interval_s = 0.01}, options);
  } else if (split.role == campaign::Role::worker) {
    campaign::run_worker(split.farm, split.role_comm, split.group, campaign::layout_of(identity()),
                         runner, nullptr, options);
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(train_ms));
    const auto late = campaign::join_pool(split.role_comm, layout, world.size());
    encoded = campaign::run_encoder_pass(split.farm, split.role_comm, encoder, options);
    const auto n = campaign::run_worker(split.farm, late.comm, late.index,
                                        campaign::layout_of(identity()), runner, nullptr, options);
    if (late.comm.is_root()) late_tasks = n;
  }
  run.encoded = world.sum(encoded);
  run.late_tasks = world.sum(late_tasks);
  const auto asked = world.allgatherv(std::span<const std::int64_t>(encoder.asked));
  run.asked.assign(asked.begin(), asked.end());
  std::sort(run.asked.begin(), run.asked.end());
  world.barrier();
  return run;
}

// The merged file: ids [0, count) once each, the fake fingerprint on every row, and the
// trainers' checkpoint digest.
void check_merged(const std::filesystem::path& dir, std::int64_t count) {
  const auto out = dir / "campaign.h5";
  campaign::MergeOptions m;
  m.count = count;
  const auto summary = campaign::merge(dir, out, m);
  EXPECT_EQ(summary.rows, std::size_t(count));
  EXPECT_EQ(summary.fingerprints_joined, std::size_t(count));
  const auto f = io::read_campaign_file(out);
  EXPECT_EQ(f.identity.vae_checkpoint_digest, kDigest);
  const auto L = f.identity.fingerprint_length;
  ASSERT_EQ(std::int64_t(f.rows.size()), count);
  for (std::int64_t i = 0; i < count; ++i) {
    ASSERT_EQ(f.rows.ve_id[std::size_t(i)], i);
    EXPECT_EQ(f.rows.status[std::size_t(i)], std::int8_t(test_campaign::expected_status(i)));
    for (std::int64_t k = 0; k < L; ++k)
      ASSERT_EQ(f.rows.fingerprint[std::size_t(i * L + k)],
                test_campaign::fake_fingerprint_value(i, k))
          << "id " << i;
  }
}

}  // namespace

TEST(EncoderPass, TrainersEncodeWhileGroupsRunThenJoinThePool) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("encoder_pass", world);
  const std::int64_t count = 120;
  test_campaign::FakeEncoder encoder(identity().fingerprint_length, 0.5);
  const auto run = run_campaign(world, dir, {.count = count}, 100, encoder);
  // One trainer: it was asked for every id once, and every fingerprint was sent.
  std::vector<std::int64_t> all(count);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(run.asked, all);
  EXPECT_EQ(run.encoded, std::size_t(count));
  if (world.size() == 2) {  // the trainer ran every try: a retry for 5 and 94, two for 7 and 90
    EXPECT_EQ(run.late_tasks, std::size_t(count + 2 + 2 * 2));
  }
  if (world.rank() == 0) {
    const auto& s = run.summary;
    EXPECT_EQ(s.fingerprints_recorded, std::size_t(count));
    EXPECT_EQ(s.fingerprints_acknowledged, std::size_t(count));
    EXPECT_EQ(s.fingerprints_missing, 0u);
    EXPECT_EQ(s.unfinished, 0u);
    EXPECT_EQ(s.abandoned_groups, 0u);
    const auto state = campaign::rebuild(dir, {.expect = &identity()});
    EXPECT_EQ(state.done.size(), std::size_t(count));
    EXPECT_EQ(state.fingerprints.size(), std::size_t(count));
    check_merged(dir, count);
  }
  // A second run has nothing to encode and nothing to simulate; the trainer still joins
  // and is told to stop.
  const auto again = run_campaign(world, dir, {.count = count}, 0, encoder);
  EXPECT_TRUE(again.asked.empty());
  EXPECT_EQ(again.late_tasks, 0u);
  if (world.rank() == 0) {
    EXPECT_EQ(again.summary.skipped, std::size_t(count));
    EXPECT_EQ(again.summary.fingerprints_recorded, 0u);
    EXPECT_EQ(again.summary.fingerprints_missing, 0u);
  }
}

TEST(EncoderPass, TwoTrainersShareTheIdsAndJoinAsTwoGroups) {
  core::Comm world(MPI_COMM_WORLD);
  if (world.size() < 4) GTEST_SKIP() << "needs 4 ranks";
  const auto dir = test_scratch::fresh_scratch_dir("encoder_pass_two", world);
  const std::int64_t count = 90;
  test_campaign::FakeEncoder encoder(identity().fingerprint_length, 0.5);
  // A collector, two trainers, one group; the trainers become groups 1 and 2.
  const auto run = run_campaign(world, dir, {.count = count, .fingerprint_batch = 7}, 50, encoder,
                                Layout{1, 2, 1});
  // Each id asked for once, over both trainers (the whole range between them).
  std::vector<std::int64_t> all(count);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(run.asked, all);
  EXPECT_EQ(run.encoded, std::size_t(count));
  if (world.rank() == 1 || world.rank() == 2) {  // trainers: every other id, 45 each
    EXPECT_EQ(encoder.asked.size(), 45u);
    for (const auto id : encoder.asked) EXPECT_EQ(id % 2, world.rank() - 1) << id;
  }
  if (world.rank() == 0) {
    EXPECT_EQ(run.summary.fingerprints_acknowledged, std::size_t(count));
    EXPECT_EQ(run.summary.unfinished, 0u);
    EXPECT_EQ(run.summary.abandoned_groups, 0u);
    check_merged(dir, count);
  }
}

TEST(EncoderPass, ATrainerShortOfAWholeGroupJoinsAsASmallerGroup) {
  core::Comm world(MPI_COMM_WORLD);
  if (world.size() != 4) GTEST_SKIP() << "needs 4 ranks";
  const auto dir = test_scratch::fresh_scratch_dir("encoder_pass_small_group", world);
  const std::int64_t count = 60;
  test_campaign::FakeEncoder encoder(identity().fingerprint_length, 0.5);
  // A collector, one trainer and one group of 2 (as resolve() allows): the trainer joins
  // as group 1 with one rank, and it runs tasks like the full group.
  const auto run = run_campaign(world, dir, {.count = count}, 20, encoder, Layout{1, 1, 2});
  EXPECT_EQ(run.encoded, std::size_t(count));
  EXPECT_GT(run.late_tasks, 0u);
  if (world.rank() == 0) {
    EXPECT_EQ(run.summary.unfinished, 0u);
    EXPECT_EQ(run.summary.abandoned_groups, 0u);
    check_merged(dir, count);
  }
}

TEST(EncoderPass, AStopDuringTheEncoderPassKeepsWhatWasDeliveredAndTheRerunEncodesTheRest) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("encoder_pass_stop", world);
  const std::int64_t count = 200;
  test_campaign::FakeEncoder stopping(identity().fingerprint_length, 1);
  stopping.stop_after = 70;  // the trainer's SIGUSR1, in the middle of its pass
  const auto first = run_campaign(
      world, dir, {.count = count, .stop_grace_s = 20, .fingerprint_batch = 16}, 0, stopping);
  // It stops between fingerprints: 70 made, every one of them sent.
  EXPECT_EQ(first.asked.size(), 70u);
  EXPECT_EQ(first.encoded, 70u);
  std::size_t missing = 0;
  if (world.rank() == 0) {
    const auto& s = first.summary;
    EXPECT_EQ(s.fingerprints_acknowledged, 70u);
    EXPECT_EQ(s.fingerprints_missing, std::size_t(count - 70));
    EXPECT_EQ(s.abandoned_groups, 0u);
    missing = s.fingerprints_missing;
    // The folder holds exactly the fingerprints that were made (test_merge checks that
    // a merge refuses a trained campaign whose records lack some).
    const auto state = campaign::rebuild(dir, {.expect = &identity()});
    EXPECT_EQ(state.fingerprints.ids, first.asked);
  }
  world.barrier();
  campaign::clear_stop();
  world.barrier();
  test_campaign::FakeEncoder encoder(identity().fingerprint_length, 0.2);
  const auto second = run_campaign(world, dir, {.count = count}, 0, encoder);
  // Only the ids without a fingerprint were asked for: not one of the first 70.
  EXPECT_EQ(second.asked.size(), std::size_t(count - 70));
  for (const auto id : first.asked)
    EXPECT_FALSE(std::binary_search(second.asked.begin(), second.asked.end(), id)) << id;
  if (world.rank() == 0) {
    EXPECT_EQ(second.asked.size(), missing);
    EXPECT_EQ(second.summary.fingerprints_missing, 0u);
    EXPECT_EQ(second.summary.unfinished, 0u);
    check_merged(dir, count);
  }
}

TEST(EncoderPass, AFolderOfAnotherCampaignStopsTheTrainersToo) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("encoder_pass_foreign", world);
  test_campaign::FakeEncoder encoder(identity().fingerprint_length, 0);
  run_campaign(world, dir, {.count = 10}, 0, encoder);           // files of identity()
  const auto other = test_campaign::trained_identity(8, 3, 43);  // another seed
  const Layout layout{1, 1, 1};
  const auto split = campaign::split_roles(world, layout);
  campaign::FarmOptions options{.count = 20};
  options.groups = layout.groups(world.size());
  options.trainers = layout.trainers;
  options.vae_checkpoint_digest = kDigest;
  test_campaign::SleepyRunner runner(identity().points, 0, 1);
  if (split.role == campaign::Role::collector) {
    EXPECT_THROW(campaign::run_manager(split.farm, dir, other, {}, options), core::InputError);
  } else if (split.role == campaign::Role::worker) {
    EXPECT_EQ(campaign::run_worker(split.farm, split.role_comm, split.group,
                                   campaign::layout_of(other), runner, nullptr, options),
              0u);
  } else {
    EXPECT_EQ(campaign::run_encoder_pass(split.farm, split.role_comm, encoder, options), 0u);
    const auto late = campaign::join_pool(split.role_comm, layout, world.size());
    EXPECT_EQ(campaign::run_worker(split.farm, late.comm, late.index, campaign::layout_of(other),
                                   runner, nullptr, options),
              0u);
  }
  world.barrier();
}
