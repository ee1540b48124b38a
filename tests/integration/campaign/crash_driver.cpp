// crash_driver WRITER SCRATCH [SEEDS] [COUNT]: kill -9 the collector storage at random
// moments and check that a rerun finishes the campaign exactly once. For each seed:
// start WRITER (fork/exec, stdout on a pipe), SIGKILL it after a random delay (some
// seeds twice), then run it to the end, and check
//   - after each kill: every committed .h5 opens, and rebuild() holds every id the writer
//     had acknowledged, with at least the acknowledged attempt;
//   - after the rerun: merge() accepts [0, COUNT) (so nothing is missing), the merged file
//     has each id once, with the payload of its last attempt, and every acknowledged id;
//     no journal segment or temporary file is left.
// Finally an independent reader (python3 h5py) opens every .h5 seen, without repair.
// Exit 0 when all holds, 1 otherwise, 77 (skipped) without python3-h5py.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "campaign/merge.hpp"
#include "campaign/state.hpp"
#include "crash_campaign.hpp"
#include "io/campaign_file.hpp"
#include "support/chaos_checks.hpp"

using namespace mspipe;
namespace fs = std::filesystem;

namespace {

using test_chaos::failures;

struct Run {
  std::string output;
  bool killed = false;
  int exit_code = -1;
};

// Runs the writer; kills it with SIGKILL after `kill_after_ms` (< 0: never).
Run run_writer(const std::vector<std::string>& args, int kill_after_ms) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  Run run;
  const auto start = std::chrono::steady_clock::now();
  char buf[4096];
  bool open = true;
  while (open) {
    int wait_ms = -1;
    if (kill_after_ms >= 0 && !run.killed) {
      const auto left = kill_after_ms - std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count();
      if (left <= 0) {
        kill(pid, SIGKILL);  // whatever it was doing
        run.killed = true;
        continue;  // what it printed before dying is still in the pipe: read it all
      }
      wait_ms = int(left);
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) continue;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0)
      open = false;
    else
      run.output.append(buf, std::size_t(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
    run.killed = false;  // it finished before the kill
  }
  return run;
}

void collect_acks(const std::string& out, std::map<std::int64_t, std::int32_t>& acked) {
  std::istringstream in(out);
  std::string word;
  long long id = 0;
  int attempts = 0;
  while (in >> word) {
    if (word != "ack") continue;
    in >> id >> attempts;
    auto& a = acked[id];
    a = std::max(a, attempts);
  }
}

std::vector<fs::path> h5_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;  // killed before it made the folder
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".h5") out.push_back(e.path());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: crash_driver WRITER SCRATCH [SEEDS] [COUNT]\n");
    return 2;
  }
  if (!test_chaos::h5py_available()) {
    std::fprintf(stderr, "python3-h5py is not installed: skipped\n");
    return 77;
  }
  const std::string writer = argv[1];
  const fs::path scratch = argv[2];
  const int seeds = argc > 3 ? std::atoi(argv[3]) : 24;
  const std::int64_t count = argc > 4 ? std::atoll(argv[4]) : 160;
  const std::int64_t shard_size = 8;
  const auto id = test_campaign::crash_identity();
  fs::remove_all(scratch);
  const fs::path snapshots = scratch / "after_kill";
  fs::create_directories(snapshots);
  std::vector<std::string> checked;  // every .h5 for the independent reader
  int kills = 0, killed_with_tmp = 0;

  for (int seed = 0; seed < seeds; ++seed) {
    const fs::path dir = scratch / ("seed_" + std::to_string(seed));
    std::mt19937_64 rng(std::uint64_t(seed) * 7919 + 1);
    std::uniform_int_distribution<int> delay_ms(2, 250);
    std::map<std::int64_t, std::int32_t> acked;
    const auto args = [&](int run) {
      return std::vector<std::string>{writer, dir.string(), std::to_string(count),
                                      std::to_string(shard_size), std::to_string(seed * 100 + run)};
    };
    const int kill_runs = seed % 3 == 0 ? 2 : 1;
    for (int k = 0; k < kill_runs; ++k) {
      const auto run = run_writer(args(k), delay_ms(rng));
      collect_acks(run.output, acked);
      if (!run.killed) {
        CHECK(run.exit_code == 0, "seed %d: writer exited with %d before the kill", seed,
              run.exit_code);
        continue;
      }
      ++kills;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".tmp") ++killed_with_tmp;
      // A committed shard is whole: it opens, and every acknowledged record survived.
      for (const auto& f : h5_files(dir)) {
        const auto copy = snapshots / (std::to_string(seed) + "_" + std::to_string(k) + "_" +
                                       f.filename().string());
        fs::copy_file(f, copy);
        checked.push_back(copy.string());
        try {
          io::read_campaign_file(f);
        } catch (const std::exception& e) {
          CHECK(false, "seed %d: %s does not open after the kill: %s", seed, f.c_str(), e.what());
        }
      }
      const auto st = campaign::rebuild(dir, {.max_attempts = 3, .expect = &id});
      for (const auto& [v, attempts] : acked) {
        const auto* e = st.find(v);
        CHECK(e && e->attempts >= attempts,
              "seed %d: acknowledged VE %lld (attempt %d) lost by the kill", seed, (long long)v,
              attempts);
      }
    }
    const auto last = run_writer(args(9), -1);
    collect_acks(last.output, acked);
    CHECK(last.exit_code == 0 && last.output.find("finished") != std::string::npos,
          "seed %d: the rerun did not finish (exit %d)", seed, last.exit_code);

    const auto merged = dir / "campaign.h5";
    try {
      campaign::merge(dir, merged, {.first_id = 0, .count = count, .max_attempts = 3});
    } catch (const std::exception& e) {
      CHECK(false, "seed %d: merge refused: %s", seed, e.what());
      continue;
    }
    const auto f = io::read_campaign_file(merged);
    CHECK(std::int64_t(f.rows.size()) == count, "seed %d: %zu rows", seed, f.rows.size());
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
      const std::int64_t v = f.rows.ve_id[i];
      CHECK(v == std::int64_t(i), "seed %d: row %zu holds VE %lld (duplicate or gap)", seed, i,
            (long long)v);
      const std::int32_t attempts = v % 7 == 3 ? 2 : 1;
      const auto want = test_campaign::record(v, id, campaign::Status::converged, attempts);
      CHECK(campaign::row(f.rows, i, campaign::layout_of(id)) == want,
            "seed %d: VE %lld differs from its payload", seed, (long long)v);
      const auto a = acked.find(v);
      CHECK(a == acked.end() || a->second <= attempts,
            "seed %d: VE %lld acknowledged at attempt %d", seed, (long long)v, a->second);
    }
    for (const auto& e : fs::directory_iterator(dir)) {
      const auto ext = e.path().extension();
      CHECK(ext != ".log" && ext != ".tmp", "seed %d: %s left after the run", seed,
            e.path().c_str());
    }
    for (const auto& h : h5_files(dir)) checked.push_back(h.string());
  }

  // An independent reader: h5py opens every file read-only and reads every dataset.
  CHECK(test_chaos::h5py_reads_all(checked, scratch / "h5_files.txt"), "h5py could not read every file");
  std::printf("%d seeds, %d kills (%d left a .tmp behind), %zu HDF5 files read by h5py: %s\n",
              seeds, kills, killed_with_tmp, checked.size(),
              failures ? "FAILED" : "all checks hold");
  return failures ? 1 : 0;
}
