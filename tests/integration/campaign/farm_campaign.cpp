// campaign_farm_run DIR COUNT [--rps N] [--min-ms A] [--max-ms B] [--grace S] [--flush S]
//                   [--shard-size N] [--pid-dir D] [--merge OUT]
//                   [--trainers N --train-ms T --encode-ms E] [--collectors C]
// A whole campaign job with the test runner (support/farm_runner.hpp) in place of the
// crystal-plasticity engine: every rank of `mpirun -n N` takes its role (1 collector,
// groups of N ranks), the collector resumes from DIR, prints "ack <id> <status>
// <attempts>" (flushed) for every record once it is durable, and "summary ..." at the
// end; with --merge, a complete campaign is merged into OUT ("merged <rows>"). With
// --pid-dir every rank writes its pid to D/rank_<r> (for tests that kill one rank).
// With --trainers, N ranks after the collector "train" for T ms (a sleep that a SIGUSR1
// cuts short), deliver a fingerprint per id (support/farm_runner.hpp FakeEncoder, E ms
// each; trainer 0 prints "encoder asked <n>", the ids its pass had to encode, when there
// is one trainer) and join the pool; the campaign is then one that trains its VAE, and the
// collector also prints "fingerprint <id>" for every durable fingerprint.
// With --collectors C, ranks 0 .. C - 1 are collectors, each the manager of its share
// (campaign/collectors.hpp), and --merge is written by the C collectors together (parallel
// HDF5) once every one of them is complete.
// SIGUSR1 stops gracefully. Exit 0 (also after a stop), 1 on a failure, 70 when a group
// had to be abandoned.
#include "farm_campaign.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "campaign/collectors.hpp"
#include "campaign/layout.hpp"
#include "campaign/merge.hpp"
#include "campaign/stop_signal.hpp"
#include "campaign/task_farm.hpp"
#include "core/errors.hpp"
#include "support/farm_runner.hpp"

using namespace mspipe;

int main(int argc, char** argv) {
  campaign::install_stop_handler();  // before MPI: a USR1 may come at any time
  core::MpiSession mpi(argc, argv);
  const auto& world = mpi.world();
  if (argc < 3) {
    if (world.is_root()) std::fprintf(stderr, "usage: campaign_farm_run DIR COUNT [options]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const std::int64_t count = std::atoll(argv[2]);
  int rps = 1, min_ms = 0, max_ms = 5, trainers = 0, collectors = 1;
  double train_ms = 0, encode_ms = 0;
  double grace = 60, flush = 1.0;
  std::int64_t shard_size = 50;
  std::string pid_dir, merge_out;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--rps")
      rps = std::stoi(value);
    else if (key == "--min-ms")
      min_ms = std::stoi(value);
    else if (key == "--max-ms")
      max_ms = std::stoi(value);
    else if (key == "--grace")
      grace = std::stod(value);
    else if (key == "--flush")
      flush = std::stod(value);
    else if (key == "--shard-size")
      shard_size = std::stoll(value);
    else if (key == "--pid-dir")
      pid_dir = value;
    else if (key == "--merge")
      merge_out = value;
    else if (key == "--trainers")
      trainers = std::stoi(value);
    else if (key == "--train-ms")
      train_ms = std::stod(value);
    else if (key == "--encode-ms")
      encode_ms = std::stod(value);
    else if (key == "--collectors")
      collectors = std::stoi(value);
    else {
      if (world.is_root())
        std::fprintf(stderr, "campaign_farm_run: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (!pid_dir.empty()) {
    std::ofstream(pid_dir + "/rank_" + std::to_string(world.rank())) << getpid() << "\n";
  }
  const auto identity =
      trainers > 0 ? test_campaign::farm_trained_identity() : test_campaign::farm_identity();
  try {
    const auto layout = campaign::resolve(
        world.size(), {.collectors = collectors, .trainers = trainers, .ranks_per_sim = rps},
        trainers == 0);
    const auto split = campaign::split_roles(world, layout);
    campaign::FarmOptions options{.count = count, .stop_grace_s = grace};
    options.groups = layout.groups(world.size());
    options.ranks_per_sim = layout.ranks_per_sim;
    options.acknowledgements = stdout;
    options.trainers = layout.trainers;
    options.vae_checkpoint_digest = test_campaign::kFarmCheckpoint;
    options.fingerprint_batch = 8;
    if (split.role == campaign::Role::collector) {
      if (world.is_root()) std::filesystem::create_directories(dir);
      split.role_comm.barrier();  // the folder exists for every collector
      campaign::StorageOptions storage{.shard_size = shard_size, .flush_interval_s = flush};
      campaign::narrow_to_collector(options, storage, layout, world.size(), split.collector, 0);
      const auto s = campaign::run_manager(split.farm, dir, identity, storage, options);
      std::printf(
          "summary handed_out %zu recorded %zu acknowledged %zu interrupted %zu stopped %d "
          "unfinished %zu fingerprints_missing %zu\n",
          s.handed_out, s.recorded, s.acknowledged,
          s.per_status[int(campaign::Status::interrupted)], int(s.stopped), s.unfinished,
          s.fingerprints_missing);
      std::fflush(stdout);
      if (s.abandoned_groups > 0)
        core::abort_job(world, "collector",
                        std::to_string(s.abandoned_groups) + " worker groups never answered");
      const bool complete = split.role_comm.all(s.unfinished == 0 && s.fingerprints_missing == 0);
      if (!merge_out.empty() && complete) {
        campaign::MergeOptions merge_options;
        merge_options.count = count;
        const auto m = campaign::merge(dir, merge_out, merge_options, split.role_comm);
        if (split.role_comm.is_root()) std::printf("merged %zu\n", m.rows);
        std::fflush(stdout);
      }
    } else if (split.role == campaign::Role::worker) {
      test_campaign::SleepyRunner runner(identity.points, min_ms, max_ms);
      campaign::run_worker(split.farm, split.role_comm, split.group, campaign::layout_of(identity),
                           runner, nullptr, options);
    } else {
      for (double t = 0; t < train_ms && !campaign::stop_signal_received(); ++t)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      // The late group first, while the trainers are in step (a collective over them).
      const auto late = campaign::join_pool(split.role_comm, layout, world.size());
      test_campaign::FakeEncoder encoder(identity.fingerprint_length, encode_ms);
      campaign::run_encoder_pass(split.farm, split.farm_trainers, encoder, options);
      if (split.role_comm.size() == 1) {
        std::printf("encoder asked %zu\n", encoder.asked.size());
        std::fflush(stdout);
      }
      test_campaign::SleepyRunner runner(identity.points, min_ms, max_ms);
      campaign::run_worker(split.farm, late.comm, late.index, campaign::layout_of(identity), runner,
                           nullptr, options);
    }
    return 0;
  } catch (const core::CollectiveError& e) {
    if (world.is_root()) std::fprintf(stderr, "%s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    core::abort_job(world, "campaign", e.what());
  }
}
