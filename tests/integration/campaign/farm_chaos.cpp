// campaign_farm_chaos MPIRUN PROGRAM SCRATCH SEEDS COUNT: whole campaign jobs under fire.
// PROGRAM is campaign_farm_run; every job is `MPIRUN -n 4 --oversubscribe PROGRAM ...`.
//
// For each seed: start a job, SIGKILL one of its ranks (drawn: the collector too) at a
// drawn moment (mpirun then ends the job), and check the folder. Odd seeds run a campaign
// that trains its VAE: one trainer "trains" 150 ms, then encodes every id (1 ms each) while
// the two groups simulate, and joins them, so kills also land during the encoder pass.
// Seeds 2, 8, 14, ... run the killed job with two collectors (2 collectors, 2 workers) and
// the reruns with one; seeds 4, 10, 16, ... the other way round: resume does not depend on
// the layout (campaign/collectors.hpp).
// The checks:
//   - every record acknowledged before the kill is there (rebuild() holds its id with at
//     least the acknowledged attempts, terminal if the acknowledged record was);
//   - no id has two terminal records (the copy a crash can leave in a shard's journal
//     segment aside);
//   - every fingerprint acknowledged before the kill is there, of the trainer's checkpoint;
// then rerun until a job completes and check that every id of [0, COUNT) ends once, with
// the status and curve its fate dictates (support/farm_runner.hpp), and that merge()
// accepts the range; with a trainer, that the first rerun encoded exactly the ids that had
// no fingerprint and that the merged file has the fake fingerprint of every id.
// Then the graceful stop, in a campaign with a trainer: SIGUSR1 to mpirun once
// fingerprints flow; the job must exit 0 within the grace time with interrupted tries
// recorded, and the rerun must complete.
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
#include <tuple>
#include <vector>

#include "campaign/fingerprints.hpp"
#include "campaign/merge.hpp"
#include "campaign/state.hpp"
#include "farm_campaign.hpp"
#include "io/campaign_file.hpp"
#include "support/chaos_checks.hpp"
#include "support/farm_runner.hpp"

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

// The numbers after `word` at the start of a line ("fingerprint 17", "encoder asked 240").
std::vector<std::int64_t> numbers_after(const std::string& output, const std::string& word) {
  std::vector<std::int64_t> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(word + " ", 0) == 0) out.push_back(std::atoll(line.c_str() + word.size() + 1));
  return out;
}

const campaign::Identity& identity_of(bool trained) {
  static const auto plain = test_campaign::farm_identity();
  static const auto with_trainer = test_campaign::farm_trained_identity();
  return trained ? with_trainer : plain;
}

// Ids of the folder with a fingerprint of the trainer's checkpoint.
std::set<std::int64_t> fingerprinted(const fs::path& dir) {
  const auto fps = campaign::read_fingerprints(dir, &identity_of(true), false);
  std::set<std::int64_t> out;
  for (std::size_t i = 0; i < fps.size(); ++i)
    if (fps.digests[fps.checkpoint[i]] == test_campaign::kFarmCheckpoint) out.insert(fps.ids[i]);
  return out;
}

bool terminal_name(const std::string& s, int attempts) {
  return s == "converged" || s == "not_converged" || s == "timeout" ||
         (s == "failed" && attempts >= 3);
}

// What the folder must hold after any job, finished or killed.
void check_after(const fs::path& dir, const std::vector<Ack>& acks,
                 const std::vector<std::int64_t>& fingerprint_acks, bool trained,
                 const std::string& when) {
  const auto& id = identity_of(trained);
  const auto state = campaign::rebuild(dir, {.max_attempts = 3, .expect = &id});
  const auto have = fingerprinted(dir);
  for (const auto f : fingerprint_acks)
    CHECK(have.contains(f), "%s: acknowledged fingerprint of id %lld is missing", when.c_str(),
          (long long)f);
  for (const auto& a : acks) {
    const auto* e = state.find(a.id);
    CHECK(e && e->attempts >= a.attempts, "%s: acknowledged id %lld (attempt %d) is missing",
          when.c_str(), (long long)a.id, a.attempts);
    if (e && terminal_name(a.status, a.attempts))
      CHECK(state.is_done(a.id), "%s: acknowledged terminal id %lld is not done", when.c_str(),
            (long long)a.id);
  }
  // A terminal record in two places is a duplicate, except shard k and journal segment k
  // of one collector at the same position: a crash between committing a shard and
  // deleting its segment leaves the same records in both (collector_storage.hpp).
  const auto scan = campaign::scan_folder(dir, false, &id);
  std::map<std::int64_t, std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>>> terminal;
  for (const auto& c : scan.candidates)
    if (campaign::is_terminal(c.status, c.attempts, 3) &&
        terminal[c.ve_id].insert({c.collector, c.part, c.position}).second &&
        terminal[c.ve_id].size() == 2)
      CHECK(false, "%s: id %lld has two terminal records", when.c_str(), (long long)c.ve_id);
}

// A complete campaign: every id once, with its fate's status and curve.
void check_complete(const fs::path& dir, const fs::path& merged, std::int64_t count, bool trained,
                    const std::string& when) {
  const auto& id = identity_of(trained);
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
  if (!trained || !fs::exists(merged)) return;
  const auto f = io::read_campaign_file(merged);
  CHECK(f.identity.vae_checkpoint_digest == test_campaign::kFarmCheckpoint,
        "%s: merged file of checkpoint %s", when.c_str(), f.identity.vae_checkpoint_digest.c_str());
  const auto L = std::size_t(id.fingerprint_length);
  for (std::size_t i = 0; i < f.rows.size(); ++i)
    CHECK(
        f.rows.fingerprint[i * L + 3] == test_campaign::fake_fingerprint_value(f.rows.ve_id[i], 3),
        "%s: id %lld has another fingerprint", when.c_str(), (long long)f.rows.ve_id[i]);
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
  const auto job_args = [&](const fs::path& dir, const fs::path& pid_dir, int min_ms, int max_ms,
                            bool trained, int train_ms = 150, int encode_ms = 1,
                            int collectors = 1) {
    std::vector<std::string> args{mpirun,
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
                                  (dir / "campaign.h5").string(),
                                  "--collectors",
                                  std::to_string(collectors)};
    if (trained)
      for (const auto& a :
           {std::string("--trainers"), std::string("1"), std::string("--train-ms"),
            std::to_string(train_ms), std::string("--encode-ms"), std::to_string(encode_ms)})
        args.push_back(a);
    return args;
  };
  // Reruns without interference until a job completes the campaign.
  const auto finish = [&](const fs::path& dir, const fs::path& pid_dir, std::vector<Ack>& acks,
                          std::vector<std::int64_t>& fingerprint_acks, bool trained,
                          const std::string& when, int collectors) {
    for (int rerun = 0; rerun < 3; ++rerun) {
      const auto had = trained ? fingerprinted(dir).size() : 0;
      const auto job = run_job(job_args(dir, pid_dir, 0, 4, trained, 0, 1, collectors), nullptr);
      const auto more = acks_in(job.output);
      acks.insert(acks.end(), more.begin(), more.end());
      const auto fps = numbers_after(job.output, "fingerprint");
      fingerprint_acks.insert(fingerprint_acks.end(), fps.begin(), fps.end());
      CHECK(job.exit_code == 0, "%s: rerun exited %d", when.c_str(), job.exit_code);
      if (trained) {
        // The encoder pass of the rerun encodes only the ids without a fingerprint.
        const auto asked = numbers_after(job.output, "encoder asked");
        CHECK(asked.size() == 1 && asked[0] == count - std::int64_t(had),
              "%s: the rerun's encoder pass encoded %lld ids, %lld lacked a fingerprint",
              when.c_str(), asked.empty() ? -1LL : (long long)asked[0], (long long)(count - had));
      }
      if (job.output.find("merged ") != std::string::npos) break;
    }
    check_after(dir, acks, fingerprint_acks, trained, when + ", after the rerun");
    check_complete(dir, dir / "campaign.h5", count, trained, when);
    h5_files.push_back(dir / "campaign.h5");
  };

  std::mt19937_64 rng(20261130);
  const auto t0 = Clock::now();
  for (int seed = 0; seed < seeds; ++seed) {
    const std::string when = "seed " + std::to_string(seed);
    const fs::path dir = scratch / ("seed_" + std::to_string(seed)), pid_dir = dir / "pids";
    fs::create_directories(pid_dir);
    const bool trained = seed % 2 == 1;
    const int killed_collectors = seed % 6 == 2 ? 2 : 1, rerun_collectors = seed % 6 == 4 ? 2 : 1;
    const int victim = std::uniform_int_distribution<int>(0, ranks - 1)(rng);
    // Drawn from when every rank has written its pid (MPI is up; the collector is
    // reading the folder) to a little after the job's work would end (tasks of 2-12 ms
    // on 3 groups: about 0.6 s), so kills land in start-up, mid-run and shutdown. Every
    // other trainer job is killed instead once a drawn number of fingerprints (1 to 160
    // of 240) is acknowledged: in the middle of its encoder pass, whatever the load.
    const double kill_ms = std::uniform_real_distribution<double>(0, 900)(rng);
    const bool in_pass = seed % 4 == 1;
    const std::size_t kill_after =
        in_pass ? std::size_t(std::uniform_int_distribution<int>(1, 160)(rng)) : 0;
    double pids_at = -1;
    bool killed = false;
    const auto job = run_job(job_args(dir, pid_dir, 2, 12, trained, 150, trained ? 2 : 1,
                                      killed_collectors),
                             [&](pid_t, const std::string& out, double ms) {
                               if (pids_at < 0) {
                                 if (rank_pids(pid_dir).size() < std::size_t(ranks)) return false;
                                 pids_at = ms;
                               }
                               if (in_pass ? numbers_after(out, "fingerprint").size() < kill_after
                                           : ms < pids_at + kill_ms)
                                 return false;
                               kill(rank_pids(pid_dir)[std::size_t(victim)], SIGKILL);
                               killed = true;
                               return true;
                             });
    auto acks = acks_in(job.output);
    auto fingerprint_acks = numbers_after(job.output, "fingerprint");
    const std::string moment = in_pass ? "after " + std::to_string(kill_after) + " fingerprints"
                                       : std::to_string(int(kill_ms)) + " ms after start-up";
    std::printf("%s%s, %d then %d collector(s): rank %d killed %s (%s), %zu acknowledged, %zu "
                "fingerprints, job exit %d\n",
                when.c_str(), trained ? " (trainer)" : "", killed_collectors, rerun_collectors,
                victim, moment.c_str(),
                killed ? "killed" : "the job had ended", acks.size(), fingerprint_acks.size(),
                job.exit_code);
    std::fflush(stdout);
    fs::remove_all(pid_dir);
    fs::create_directories(pid_dir);
    check_after(dir, acks, fingerprint_acks, trained, when + ", after the kill");
    snapshot(dir, "seed" + std::to_string(seed));
    finish(dir, pid_dir, acks, fingerprint_acks, trained, when, rerun_collectors);
  }
  const double chaos_s = std::chrono::duration<double>(Clock::now() - t0).count();

  // Graceful stop: USR1 to mpirun once some records and fingerprints are acknowledged.
  // mpirun forwards the signal to the ranks through its daemon, which on a loaded machine
  // can lag the collector's own copy by tens of milliseconds: tries of 150-300 ms keep the
  // workers inside a try past that lag, so the stop interrupts one (with 10-30 ms tries a
  // run at load 13 recorded none: the tries ended before the workers saw the signal). The
  // trainer encodes 240 ids at 10 ms each after 100 ms of training, so the signal (about
  // 1 s in) lands in its encoder pass.
  {
    const fs::path dir = scratch / "usr1", pid_dir = dir / "pids";
    fs::create_directories(pid_dir);
    const auto job =
        run_job(job_args(dir, pid_dir, 150, 300, true, 100, 10),
                [&](pid_t pid, const std::string& out, double) {
                  if (acks_in(out).size() < 4 || numbers_after(out, "fingerprint").size() < 10)
                    return false;
                  kill(pid, SIGUSR1);
                  return true;
                });
    auto acks = acks_in(job.output);
    auto fingerprint_acks = numbers_after(job.output, "fingerprint");
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
    CHECK(std::int64_t(fingerprint_acks.size()) < count,
          "usr1: the encoder pass was not cut short (%zu fingerprints)", fingerprint_acks.size());
    check_after(dir, acks, fingerprint_acks, true, "usr1");
    finish(dir, pid_dir, acks, fingerprint_acks, true, "usr1", 1);
  }

  CHECK(test_chaos::h5py_reads_all(h5_files, scratch / "h5_files.txt"),
        "h5py could not read every file");
  std::printf("%d seeds in %.1f s, %zu HDF5 files read by h5py, %d failures\n", seeds, chaos_s,
              h5_files.size(), failures);
  return failures == 0 ? 0 : 1;
}
