// mpirun -n N campaign_farm_bench DIR [TASKS]: the task farm's costs.
//   throughput  TASKS no-op tasks (converged, zero curve) through 1 collector and N - 1
//               single-rank groups, every record durable (synced, last shard committed)
//               before the clock stops: tasks/s of the whole farm;
//   storage     the collector's storage alone (append + a sync per second, then finish):
//               records/s, the ceiling of the farm;
//   idle        one task of 5 s (a sleep) and nothing else: the collector waits for it
//               and every other group waits for an answer (the queue is empty, but the
//               busy group could still fail and hand its task back); CPU share (getrusage,
//               user + system) of the collector, of the waiting roots, and of the sleeping
//               rank (the floor: Open MPI's own threads).
// Run it oversubscribed (--oversubscribe) to see whether waiting ranks leave the cores
// to those that work.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "campaign/collector_storage.hpp"
#include "campaign/layout.hpp"
#include "campaign/task_farm.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class NoOp : public campaign::TaskRunner {
 public:
  campaign::TaskOutcome run(const core::Comm&, const campaign::Task&,
                            const campaign::StopToken&) override {
    return {};
  }
};
class Sleep : public campaign::TaskRunner {
 public:
  campaign::TaskOutcome run(const core::Comm&, const campaign::Task&,
                            const campaign::StopToken&) override {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    return {};
  }
};

struct Timing {
  double wall = 0, cpu = 0;
};

Timing farm(const core::Comm& world, const std::filesystem::path& dir, std::int64_t tasks,
            campaign::TaskRunner& runner, const campaign::Identity& identity) {
  const auto layout = campaign::resolve(world.size(), {.trainers = 0, .ranks_per_sim = 1}, true);
  const auto split = campaign::split_roles(world, layout);
  campaign::FarmOptions options{.count = tasks};
  options.groups = layout.groups(world.size());
  options.progress_interval_s = 0;
  if (world.is_root()) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  world.barrier();
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  if (split.role == campaign::Role::collector)
    campaign::run_manager(split.farm, dir, identity, {.shard_size = 1000}, options);
  else
    campaign::run_worker(split.farm, split.role_comm, split.group, campaign::layout_of(identity),
                         runner, nullptr, options);
  return {since(start), cpu_seconds() - cpu0};
}

}  // namespace

int main(int argc, char** argv) {
  core::MpiSession mpi(argc, argv);
  const auto& world = mpi.world();
  if (argc < 2 || world.size() < 3) {
    if (world.is_root())
      std::fprintf(stderr, "usage: mpirun -n N (N >= 3) campaign_farm_bench DIR [TASKS]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const std::int64_t tasks = argc > 2 ? std::atoll(argv[2]) : 20000;
  const auto identity = test_campaign::identity(32, 21, 1);

  NoOp noop;
  const auto t = farm(world, dir / "throughput", tasks, noop, identity);
  if (world.is_root())
    std::printf("throughput  ranks %d  tasks %lld  %.2f s  %.0f tasks/s (durable)\n", world.size(),
                (long long)tasks, t.wall, double(tasks) / t.wall);

  if (world.is_root()) {
    const auto sdir = dir / "storage";
    std::filesystem::remove_all(sdir);
    std::filesystem::create_directories(sdir);
    const auto start = Clock::now();
    {
      campaign::CollectorStorage storage(sdir, identity, {.shard_size = 1000});
      for (std::int64_t i = 0; i < tasks; ++i) {
        storage.append(test_campaign::record(i, identity));
        storage.sync_if_due();
      }
      storage.finish();
    }
    std::printf("storage     records %lld  %.2f s  %.0f records/s (durable)\n", (long long)tasks,
                since(start), double(tasks) / since(start));
  }

  Sleep sleep;
  const auto idle = farm(world, dir / "idle", 1, sleep, identity);
  const std::vector<double> share = world.allgather(idle.cpu / idle.wall);
  if (world.is_root())
    // The lowest share is the busy group's, asleep in its task: what an MPI process costs
    // doing nothing (Open MPI's own threads), the floor of the others.
    std::printf(
        "idle        %.2f s  CPU: collector %.2f %%, waiting roots at most %.2f %%, a sleeping "
        "rank %.2f %%\n",
        idle.wall, 100 * share[0], 100 * *std::max_element(share.begin() + 1, share.end()),
        100 * *std::min_element(share.begin() + 1, share.end()));
  return 0;
}
