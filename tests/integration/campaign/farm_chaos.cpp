// campaign_farm_chaos MPIRUN PROGRAM SCRATCH SEEDS COUNT: whole campaign jobs under fire.
// PROGRAM is campaign_farm_run; every job is `MPIRUN -n 4 --oversubscribe PROGRAM ...`.
//
// For each seed: start a job, SIGKILL one of its ranks (drawn: the collector too) at a
// drawn moment (mpirun then ends the job), and check the folder:
//   - every record acknowledged before the kill is there (rebuild() holds its id with at
//     least the acknowledged attempts, terminal if the acknowledged record was);
//   - no id has two terminal records (the copy a crash can leave in a shard's journal
//     segment aside);
// then rerun until a job completes and check that every id of [0, COUNT) ends once, with
// the status and curve its fate dictates (support/farm_runner.hpp), and that merge()
// accepts the range.
// Then the graceful stop: SIGUSR1 to mpirun once records flow; the job must exit 0 within
// the grace time with interrupted tries recorded, and the rerun must complete.
// Finally python3 h5py opens every .h5 seen (copied after each kill) and the merged files.
// Exit 0 when all holds, 1 otherwise, 77 (skipped) without python3-h5py.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "campaign/merge.hpp"
#include "campaign/state.hpp"
#include "farm_campaign.hpp"
#include "support/farm_runner.hpp"
#include "support/chaos_checks.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

using test_chaos::failures;

constexpr int ranks = 4;
constexpr double grace_s = 20;

struct Job {
  std::string output;
  int exit_code = -1;  // -signal when mpirun itself died of a signal
  double seconds = 0;
  double stop_to_exit_s = -1;  // after a SIGUSR1
};

// Runs one job. `act(pid, output, elapsed_ms)` is called every few milliseconds while
// it runs and returns whether it has done its deed (then it is not called again).
Job run_job(const std::vector<std::string>& args,
            const std::function<bool(pid_t, const std::string&, double)>& act) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
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
  Job job;
  const auto start = Clock::now();
  bool acted = !act, open = true;
  Clock::time_point acted_at;
  char buf[4096];
  while (open) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!acted && act(pid, job.output, ms)) {
      acted = true;
      acted_at = Clock::now();
    }
    if (ms > 120000) {  // a hung job is a failure; take its process group down
      CHECK(false, "job ran over 120 s");
      kill(-pid, SIGKILL);
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 5) > 0) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0)
        open = false;
      else
        job.output.append(buf, std::size_t(n));
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  job.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (acted && act)
    job.stop_to_exit_s = std::chrono::duration<double>(Clock::now() - acted_at).count();
  job.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return job;
}

struct Ack {
  std::int64_t id;
  std::string status;
  int attempts;
};
std::vector<Ack> acks_in(const std::string& output) {
  std::vector<Ack> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string word;
    Ack a;
    if (l >> word && word == "ack" && l >> a.id >> a.status >> a.attempts) out.push_back(a);
  }
  return out;
}

bool terminal_name(const std::string& s, int attempts) {
  return s == "converged" || s == "not_converged" || s == "timeout" ||
         (s == "failed" && attempts >= 3);
}

// What the folder must hold after any job, finished or killed.
void check_after(const fs::path& dir, const std::vector<Ack>& acks, const std::string& when) {
  const auto id = test_campaign::farm_identity();
  const auto state = campaign::rebuild(dir, {.max_attempts = 3, .expect = &id});
  for (const auto& a : acks) {
    const auto* e = state.find(a.id);
    CHECK(e && e->attempts >= a.attempts, "%s: acknowledged id %lld (attempt %d) is missing",
          when.c_str(), (long long)a.id, a.attempts);
    if (e && terminal_name(a.status, a.attempts))
      CHECK(state.is_done(a.id), "%s: acknowledged terminal id %lld is not done", when.c_str(),
            (long long)a.id);
  }
  // A terminal record in two places is a duplicate, except shard k and journal segment k
  // at the same position: a crash between committing a shard and deleting its segment
  // leaves the same records in both (collector_storage.hpp).
  const auto scan = campaign::scan_folder(dir, false, &id);
  std::map<std::int64_t, std::set<std::pair<std::int64_t, std::int64_t>>> terminal;
  for (const auto& c : scan.candidates)
    if (campaign::is_terminal(c.status, c.attempts, 3) &&
        terminal[c.ve_id].insert({c.part, c.position}).second && terminal[c.ve_id].size() == 2)
      CHECK(false, "%s: id %lld has two terminal records", when.c_str(), (long long)c.ve_id);
}

// A complete campaign: every id once, with its fate's status and curve.
void check_complete(const fs::path& dir, const fs::path& merged, std::int64_t count,
                    const std::string& when) {
  const auto id = test_campaign::farm_identity();
  const auto layout = campaign::layout_of(id);
  const auto scan = campaign::scan_folder(dir, true, &id);
  const auto winners = campaign::select_winners(scan.candidates, 3);
  CHECK(std::int64_t(winners.size()) == count, "%s: %zu ids, expected %lld", when.c_str(),
        winners.size(), (long long)count);
  for (const auto& w : winners) {
    const auto r = campaign::row(scan.rows[w.source], w.row, layout);
    CHECK(r.status == test_campaign::expected_status(r.ve_id), "%s: id %lld ended %s", when.c_str(),
          (long long)r.ve_id, std::string(campaign::status_name(r.status)).c_str());
    if (r.status == campaign::Status::converged)
      CHECK(r.stress[7] == test_campaign::curve_value(r.ve_id, 1, 1) &&
                r.stress.back() == test_campaign::curve_value(r.ve_id, layout.points - 1, 5),
            "%s: id %lld has another curve", when.c_str(), (long long)r.ve_id);
  }
  CHECK(fs::exists(merged), "%s: %s was not merged", when.c_str(), merged.c_str());
}

std::vector<pid_t> rank_pids(const fs::path& pid_dir) {
  std::vector<pid_t> pids;
  for (int r = 0; r < ranks; ++r) {
    std::ifstream in(pid_dir / ("rank_" + std::to_string(r)));
    long p = 0;
    if (in >> p && p > 0) pids.push_back(pid_t(p));
  }
  return pids;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: campaign_farm_chaos MPIRUN PROGRAM SCRATCH SEEDS COUNT\n");
    return 2;
  }
  if (!test_chaos::h5py_available()) {
    std::fprintf(stderr, "python3-h5py is not installed: skipped\n");
    return 77;
  }
  const std::string mpirun = argv[1], program = argv[2];
  const fs::path scratch = argv[3];
  const int seeds = std::atoi(argv[4]);
  const std::int64_t count = std::atoll(argv[5]);
  fs::remove_all(scratch);
  const fs::path snapshots = scratch / "after_kill";
  fs::create_directories(snapshots);
  std::vector<std::string> h5_files;
  const auto snapshot = [&](const fs::path& dir, const std::string& tag) {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".h5") {
        const auto to = snapshots / (tag + "_" + e.path().filename().string());
        fs::copy_file(e.path(), to);
        h5_files.push_back(to);
      }
  };
  const auto job_args = [&](const fs::path& dir, const fs::path& pid_dir, int min_ms, int max_ms) {
    return std::vector<std::string>{mpirun,
                                    "-n",
                                    std::to_string(ranks),
                                    "--oversubscribe",
                                    "--bind-to",
                                    "none",
                                    program,
                                    dir.string(),
                                    std::to_string(count),
                                    "--min-ms",
                                    std::to_string(min_ms),
                                    "--max-ms",
                                    std::to_string(max_ms),
                                    "--flush",
                                    "0.05",
                                    "--shard-size",
                                    "40",
                                    "--grace",
                                    std::to_string(grace_s),
                                    "--pid-dir",
                                    pid_dir.string(),
                                    "--merge",
                                    (dir / "campaign.h5").string()};
  };
  // Reruns without interference until a job completes the campaign.
  const auto finish = [&](const fs::path& dir, const fs::path& pid_dir, std::vector<Ack>& acks,
                          const std::string& when) {
    for (int rerun = 0; rerun < 3; ++rerun) {
      const auto job = run_job(job_args(dir, pid_dir, 0, 4), nullptr);
      const auto more = acks_in(job.output);
      acks.insert(acks.end(), more.begin(), more.end());
      CHECK(job.exit_code == 0, "%s: rerun exited %d", when.c_str(), job.exit_code);
      if (job.output.find("merged ") != std::string::npos) break;
    }
    check_after(dir, acks, when + ", after the rerun");
    check_complete(dir, dir / "campaign.h5", count, when);
    h5_files.push_back(dir / "campaign.h5");
  };

  std::mt19937_64 rng(20261130);
  const auto t0 = Clock::now();
  for (int seed = 0; seed < seeds; ++seed) {
    const std::string when = "seed " + std::to_string(seed);
    const fs::path dir = scratch / ("seed_" + std::to_string(seed)), pid_dir = dir / "pids";
    fs::create_directories(pid_dir);
    const int victim = std::uniform_int_distribution<int>(0, ranks - 1)(rng);
    // Drawn from when every rank has written its pid (MPI is up; the collector is
    // reading the folder) to a little after the job's work would end (tasks of 2-12 ms
    // on 3 groups: about 0.6 s), so kills land in start-up, mid-run and shutdown.
    const double kill_ms = std::uniform_real_distribution<double>(0, 900)(rng);
    double pids_at = -1;
    bool killed = false;
    const auto job =
        run_job(job_args(dir, pid_dir, 2, 12), [&](pid_t, const std::string&, double ms) {
          if (pids_at < 0) {
            if (rank_pids(pid_dir).size() < std::size_t(ranks)) return false;
            pids_at = ms;
          }
          if (ms < pids_at + kill_ms) return false;
          kill(rank_pids(pid_dir)[std::size_t(victim)], SIGKILL);
          killed = true;
          return true;
        });
    auto acks = acks_in(job.output);
    std::printf("%s: rank %d killed %.0f ms after start-up (%s), %zu acknowledged, job exit %d\n",
                when.c_str(), victim, kill_ms, killed ? "killed" : "the job had ended", acks.size(),
                job.exit_code);
    std::fflush(stdout);
    fs::remove_all(pid_dir);
    fs::create_directories(pid_dir);
    check_after(dir, acks, when + ", after the kill");
    snapshot(dir, "seed" + std::to_string(seed));
    finish(dir, pid_dir, acks, when);
  }
  const double chaos_s = std::chrono::duration<double>(Clock::now() - t0).count();

  // Graceful stop: USR1 to mpirun once some records are acknowledged.
  {
    const fs::path dir = scratch / "usr1", pid_dir = dir / "pids";
    fs::create_directories(pid_dir);
    const auto job =
        run_job(job_args(dir, pid_dir, 10, 30), [&](pid_t pid, const std::string& out, double) {
          if (acks_in(out).size() < 10) return false;
          kill(pid, SIGUSR1);
          return true;
        });
    auto acks = acks_in(job.output);
    const auto summary = job.output.find("summary");
    std::printf("usr1: exit %d %.2f s after the signal; %s", job.exit_code, job.stop_to_exit_s,
                summary == std::string::npos ? "no summary\n" : job.output.substr(summary).c_str());
    CHECK(job.exit_code == 0, "usr1: the job exited %d", job.exit_code);
    CHECK(job.stop_to_exit_s >= 0 && job.stop_to_exit_s < grace_s, "usr1: exit took %.2f s",
          job.stop_to_exit_s);
    CHECK(job.output.find("stopped 1") != std::string::npos, "usr1: no stop in the summary");
    CHECK(job.output.find("merged ") == std::string::npos,
          "usr1: the stopped job completed anyway");
    const auto state = campaign::rebuild(dir);
    std::size_t interrupted = 0;
    for (const auto& e : state.entries) interrupted += e.status == campaign::Status::interrupted;
    CHECK(interrupted >= 1, "usr1: no interrupted try recorded");
    check_after(dir, acks, "usr1");
    finish(dir, pid_dir, acks, "usr1");
  }

  CHECK(test_chaos::h5py_reads_all(h5_files, scratch / "h5_files.txt"), "h5py could not read every file");
  std::printf("%d seeds in %.1f s, %zu HDF5 files read by h5py, %d failures\n", seeds, chaos_s,
              h5_files.size(), failures);
  return failures == 0 ? 0 : 1;
}
