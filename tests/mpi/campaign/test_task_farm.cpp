// The task farm on 2 and 4 ranks with a test runner whose every output is known
// (support/farm_runner.hpp): every id ends with exactly the status and attempts its fate
// dictates and the curve of its id; a second run has nothing to do; a hung group is
// fenced and its task done elsewhere; a stop records interrupted tries and the rerun
// completes the campaign.
#include <gtest/gtest.h>

#include <map>

#include "campaign/layout.hpp"
#include "campaign/state.hpp"
#include "campaign/stop_signal.hpp"
#include "campaign/task_farm.hpp"
#include "core/errors.hpp"
#include "support/campaign_records.hpp"
#include "support/farm_runner.hpp"
#include "support/scratch_dir.hpp"

using namespace mspipe;
using campaign::Layout;
using campaign::Status;

namespace {

const campaign::Identity& identity() {
  static const auto id = test_campaign::identity(8, 3);
  return id;
}

// Runs one farm over `world`; the summary is the manager's (on world rank 0).
campaign::FarmSummary run_farm(const core::Comm& world, const Layout& layout,
                               const std::filesystem::path& dir, campaign::FarmOptions options,
                               campaign::TaskRunner& runner) {
  const auto split = campaign::split_roles(world, layout);
  options.groups = layout.groups(world.size());
  options.ranks_per_sim = layout.ranks_per_sim;
  campaign::FarmSummary summary;
  if (split.role == campaign::Role::collector)
    summary =
        campaign::run_manager(split.farm, dir, identity(), {.flush_interval_s = 0.01}, options);
  else if (split.role == campaign::Role::worker)
    campaign::run_worker(split.farm, split.role_comm, split.group, campaign::layout_of(identity()),
                         runner, nullptr, options);
  world.barrier();
  return summary;
}

std::int32_t expected_attempts(std::int64_t id) {
  switch (test_campaign::fate_of(id)) {
    case test_campaign::Fate::flaky:
      return 2;
    case test_campaign::Fate::broken:
      return 3;
    default:
      return 1;
  }
}

// Every id of [0, count) once, with its fate's status, attempts and curve; no id has two
// terminal records.
void check_complete(const std::filesystem::path& dir, std::int64_t count) {
  const auto scan = campaign::scan_folder(dir, true, &identity());
  std::map<std::int64_t, int> terminal;
  for (const auto& c : scan.candidates)
    terminal[c.ve_id] += campaign::is_terminal(c.status, c.attempts, 3);
  const auto winners = campaign::select_winners(scan.candidates, 3);
  ASSERT_EQ(std::int64_t(winners.size()), count);
  const auto layout = campaign::layout_of(identity());
  for (std::int64_t i = 0; i < count; ++i) {
    const auto& w = winners[std::size_t(i)];
    ASSERT_EQ(w.ve_id, i);
    EXPECT_EQ(terminal[i], 1) << "id " << i;
    const auto r = campaign::row(scan.rows[w.source], w.row, layout);
    EXPECT_EQ(r.status, test_campaign::expected_status(i)) << "id " << i;
    EXPECT_EQ(r.attempts, expected_attempts(i)) << "id " << i;
    if (r.status == Status::converged) {
      for (std::int64_t p = 0; p < layout.points; ++p)
        for (int c = 0; c < 6; ++c)
          ASSERT_EQ(r.stress[std::size_t(p * 6 + c)], test_campaign::curve_value(i, p, c));
    }
    if (r.status == Status::failed) {
      EXPECT_EQ(r.message, "broken VE " + std::to_string(i));
    }
    for (float f : r.fingerprint) EXPECT_EQ(f, 0.0f);  // no encoder: zeros
  }
}

}  // namespace

TEST(TaskFarm, EveryIdEndsOnceWithItsFateAndASecondRunHasNothingToDo) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("farm_complete", world);
  const Layout layout = campaign::resolve(world.size(), {1, 0, 1}, true);
  test_campaign::SleepyRunner runner(identity().points, 0, 2);
  const std::int64_t count =
      200;  // fates: 13, 110 not converged; 5, 94, 183 flaky; 7, 90, 173 broken
  auto s = run_farm(world, layout, dir, {.count = count}, runner);
  if (world.rank() == 0) {
    EXPECT_EQ(s.handed_out, std::size_t(count + 3 + 3 * 2));  // a retry per flaky, two per broken
    EXPECT_EQ(s.recorded, s.handed_out);
    EXPECT_EQ(s.acknowledged, s.recorded);
    EXPECT_EQ(s.per_status[int(Status::not_converged)], 2u);
    EXPECT_EQ(s.per_status[int(Status::failed)], 3u + 3u * 3u);
    EXPECT_EQ(s.unfinished, 0u);
    EXPECT_EQ(s.abandoned_groups, 0u);
    EXPECT_FALSE(s.stopped);
    check_complete(dir, count);
  }
  s = run_farm(world, layout, dir, {.count = count}, runner);
  if (world.rank() == 0) {
    EXPECT_EQ(s.skipped, std::size_t(count));
    EXPECT_EQ(s.handed_out, 0u);
  }
}

TEST(TaskFarm, WideGroups) {
  core::Comm world(MPI_COMM_WORLD);
  if (world.size() < 4) GTEST_SKIP() << "needs 4 ranks";
  // One group of 2 ranks beside the collector (no layout of 4 ranks has groups of 2:
  // trainers would have to be a multiple of 2), the fourth rank sits out.
  const auto dir = test_scratch::fresh_scratch_dir("farm_wide", world);
  const int r = world.rank();
  const core::Comm farm = world.split(r < 3 ? 0 : -1, r);
  const core::Comm group = world.split(r == 1 || r == 2 ? 0 : -1, r);
  test_campaign::SleepyRunner runner(identity().points, 0, 1);
  campaign::FarmOptions options{.count = 100, .groups = 1, .ranks_per_sim = 2};
  campaign::FarmSummary s;
  if (r == 0)
    s = campaign::run_manager(farm, dir, identity(), {.flush_interval_s = 0.01}, options);
  else if (r < 3) {  // 100 ids, a retry for 5 and 94 (flaky), two for 7 and 90 (broken)
    EXPECT_EQ(campaign::run_worker(farm, group, 0, campaign::layout_of(identity()), runner, nullptr,
                                   options),
              106u);
  }
  world.barrier();
  if (r == 0) {
    EXPECT_EQ(s.unfinished, 0u);
    check_complete(dir, 100);
  }
}

TEST(TaskFarm, AHungGroupIsFencedAndItsLateAnswerDiscarded) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("farm_fence", world);
  const Layout layout = campaign::resolve(world.size(), {1, 0, 1}, true);
  test_campaign::SleepyRunner runner(identity().points, 5, 15);
  runner.hang_id = 3;
  // Fenced 0.6 s after its assignment; answers at 0.9 s, before the manager gives up on
  // it (one more allowance: 1.2 s), so its late answer is seen and discarded.
  runner.hang_s = 0.9;
  campaign::FarmOptions options{.count = 40, .task_timeout_s = 0.3, .fence_margin_s = 0.3};
  const auto s = run_farm(world, layout, dir, options, runner);
  if (world.rank() == 0) {
    EXPECT_EQ(s.fenced, 1u);
    EXPECT_EQ(s.late_discarded, 1u);
    EXPECT_EQ(s.abandoned_groups, 0u);
    EXPECT_EQ(s.unfinished, 0u);
    const auto state = campaign::rebuild(dir);
    ASSERT_NE(state.find(3), nullptr);
    EXPECT_EQ(state.find(3)->status, Status::converged);
    EXPECT_EQ(state.find(3)->attempts, 2);  // the fenced try counts
    EXPECT_EQ(state.done.size(), 40u);
  }
}

// Stops when the group that runs id 30 "receives SIGUSR1" (the flag set on its ranks).
class StoppingRunner : public test_campaign::SleepyRunner {
 public:
  using SleepyRunner::SleepyRunner;
  campaign::TaskOutcome run(const core::Comm& group, const campaign::Task& task,
                            const campaign::StopToken& stop) override {
    if (task.id == 30) campaign::request_stop();
    return SleepyRunner::run(group, task, stop);
  }
};

TEST(TaskFarm, AStopRecordsInterruptedTriesAndTheRerunCompletes) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("farm_stop", world);
  const Layout layout = campaign::resolve(world.size(), {1, 0, 1}, true);
  StoppingRunner stopping(identity().points, 2, 6);
  const std::int64_t count = 120;
  auto s = run_farm(world, layout, dir, {.count = count, .stop_grace_s = 20}, stopping);
  if (world.rank() == 0) {
    EXPECT_TRUE(s.stopped);
    EXPECT_GE(s.per_status[int(Status::interrupted)], 1u);
    EXPECT_GT(s.unfinished, 0u);
    EXPECT_EQ(s.acknowledged, s.recorded);
    EXPECT_EQ(campaign::rebuild(dir).find(30)->status, Status::interrupted);
  }
  world.barrier();
  campaign::clear_stop();
  world.barrier();
  test_campaign::SleepyRunner runner(identity().points, 0, 2);
  s = run_farm(world, layout, dir, {.count = count}, runner);
  if (world.rank() == 0) {
    EXPECT_FALSE(s.stopped);
    EXPECT_EQ(s.unfinished, 0u);
    const auto state = campaign::rebuild(dir);
    EXPECT_EQ(state.done.size(), std::size_t(count));
    EXPECT_TRUE(state.rerun.empty());
  }
}

TEST(TaskFarm, ATryPastItsWallLimitEndsAsATimeoutAndIsNotRetried) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("farm_timeout", world);
  const Layout layout = campaign::resolve(world.size(), {1, 0, 1}, true);
  // Tries of 300-400 ms against a limit of 50 ms; the fence is far off (5 s).
  test_campaign::SleepyRunner runner(identity().points, 300, 400);
  const auto s =
      run_farm(world, layout, dir,
               {.first_id = 20, .count = 6, .task_timeout_s = 0.05, .fence_margin_s = 5}, runner);
  if (world.rank() == 0) {
    EXPECT_EQ(s.handed_out, 6u);
    EXPECT_EQ(s.per_status[int(Status::timeout)], 6u);
    EXPECT_EQ(s.fenced, 0u);
    const auto state = campaign::rebuild(dir);
    ASSERT_EQ(state.done.size(), 6u);
    for (const auto& e : state.entries) {
      EXPECT_EQ(e.status, Status::timeout);
      EXPECT_EQ(e.attempts, 1);
      EXPECT_GE(e.ve_id, 20);
    }
  }
}

TEST(TaskFarm, AFolderOfAnotherCampaignStopsEveryRankWithTheError) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("farm_foreign", world);
  const Layout layout = campaign::resolve(world.size(), {1, 0, 1}, true);
  test_campaign::SleepyRunner runner(identity().points, 0, 1);
  run_farm(world, layout, dir, {.count = 10}, runner);   // files of identity()
  const auto other = test_campaign::identity(8, 3, 43);  // another seed
  const auto split = campaign::split_roles(world, layout);
  campaign::FarmOptions options{.count = 20};
  options.groups = layout.groups(world.size());
  if (split.role == campaign::Role::collector) {
    EXPECT_THROW(campaign::run_manager(split.farm, dir, other, {}, options), core::InputError);
  } else {
    EXPECT_EQ(campaign::run_worker(split.farm, split.role_comm, split.group,
                                   campaign::layout_of(other), runner, nullptr, options),
              0u);
  }
  world.barrier();
}
