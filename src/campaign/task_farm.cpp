#include "campaign/task_farm.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "campaign/farm_wait.hpp"
#include "campaign/fingerprints.hpp"
#include "campaign/progress.hpp"
#include "campaign/state.hpp"
#include "campaign/stop_signal.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

namespace mspipe::campaign {

namespace {

using farm_wait::Backoff;
using farm_wait::Clock;
using farm_wait::from_seconds;
using farm_wait::seconds_since;
using farm_wait::wait_polling;

// A record for a try that the group did not report itself (fenced, abandoned at a stop).
Record record_for(const Task& t, Status status, std::string message, double wall_s,
                  const RecordLayout& layout) {
  Record r;
  r.ve_id = t.id;
  r.status = status;
  r.attempts = t.attempt;
  r.wall_s = wall_s;
  r.message = std::move(message);
  r.fingerprint.assign(std::size_t(layout.fingerprint_length), 0.0f);
  r.stress.assign(std::size_t(layout.points * 6), 0.0);
  return r;
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

class Manager {
 public:
  Manager(const core::Comm& farm, const std::filesystem::path& dir, const Identity& identity,
          const StorageOptions& storage, const FarmOptions& options, const core::Comm* collectors)
      : farm_(farm),
        options_(options),
        layout_(layout_of(identity)),
        groups_(std::size_t(std::max(0, options.groups))),
        trainers_(std::size_t(std::max(0, options.trainers))) {
    const int rps = options.ranks_per_sim;
    // No regular group at all is fine when trainers will join (a collector and trainers).
    if (options.groups < 0 || options.trainers < 0 || rps < 1 ||
        options.groups + (options.trainers + rps - 1) / rps < 1 ||
        1 + options.groups * rps + options.trainers != farm.size())
      throw std::invalid_argument(
          "task farm: " + std::to_string(options.groups) + " groups of " + std::to_string(rps) +
          " ranks, " + std::to_string(options.trainers) +
          " trainers and a collector do not make " +
          std::to_string(farm.size()) + " farm ranks");
    expected_groups_ = options.groups + (options.trainers + rps - 1) / rps;  // the last late group may be smaller
    next_report_s_ = options.progress_interval_s;
    const State state = read_before_writing(dir, identity, options, collectors);
    for (std::int64_t id = options.first_id; id < options.first_id + options.count; ++id) {
      const Entry* e = state.find(id);
      if (!e) {
        queue_.push_back({id, 1});
      } else if (state.is_done(id)) {
        ++summary_.skipped;
        ++terminal_[std::size_t(e->status)];
      } else {
        // An interrupted try was the user's stop, not a try of the VE: it runs again under
        // the same attempt number, so a stopped and resumed campaign records the same
        // attempts as an uninterrupted one. A failed try counts.
        queue_.push_back({id, e->status == Status::interrupted ? e->attempts : e->attempts + 1});
      }
    }
    open_ = queue_.size();
    storage_.emplace(dir, identity, storage);
    if (options.trainers > 0) {
      fingerprints_ = state.fingerprints;
      for (std::int64_t id = options.first_id; id < options.first_id + options.count; ++id)
        fingerprints_done_ += fingerprints_.find(id) >= 0;  // of any checkpoint, until one is named
      auto fp_storage = storage;
      fp_storage.family = PartFamily::fingerprints;
      fp_storage_.emplace(dir, fingerprint_identity(identity), fp_storage);
    }
  }

  // Opening the storage changes the folder (covered journal segments and stale temporaries
  // are removed, a full shard may be committed), and every collector reads the whole folder
  // first: with several collectors none opens its storage before all have read it, or a
  // reader would find a listed file gone. A collector that cannot read makes all of them
  // fail with the lowest failing collector's message.
  static State read_before_writing(const std::filesystem::path& dir, const Identity& identity,
                                   const FarmOptions& options, const core::Comm* collectors) {
    const RebuildOptions rebuild_options{.max_attempts = options.max_attempts, .expect = &identity};
    if (!collectors) return rebuild(dir, rebuild_options);
    std::optional<State> state;
    core::collective(*collectors, [&] {
      try {
        state.emplace(rebuild(dir, rebuild_options));
      } catch (const core::CollectiveError&) {
        throw;
      } catch (const std::exception& e) {
        throw core::CollectiveError(e.what(), core::ExitCode::failure);
      }
    });
    return std::move(*state);
  }

  FarmSummary run() {
    Backoff backoff(options_.idle_sleep_max_us);
    for (;;) {
      if (!stopping_ && stop_signal_received()) begin_stop();
      bool active = false;
      while (auto m = farm_.iprobe()) {
        handle(*m);
        active = true;
      }
      const auto now = Clock::now();
      fence_overdue(now);
      if (stopping_ && now >= stop_deadline_) abandon_busy();
      storage_->sync_if_due();
      if (fp_storage_) fp_storage_->sync_if_due();
      acknowledge();
      report_progress(now, false);
      if (all_done(now)) break;
      if (active)
        backoff.reset();
      else
        backoff.wait();
    }
    for (auto& g : groups_)
      if (g.state == Group::fenced) g.state = Group::abandoned;
    for (const auto& g : groups_) summary_.abandoned_groups += g.state == Group::abandoned;
    storage_->sync();
    if (fp_storage_) fp_storage_->sync();
    acknowledge();
    storage_->finish();
    if (fp_storage_) {
      fp_storage_->finish();
      summary_.fingerprints_missing = std::size_t(options_.count - fingerprints_done_);
    }
    summary_.unfinished = open_;
    report_progress(Clock::now(), true);
    return summary_;
  }

 private:
  struct Group {
    // absent: a late group that has not said ready yet
    enum State { absent, starting, parked, busy, fenced, stopped, abandoned } state = starting;
    Task task;
    Clock::time_point assigned, deadline;
    static Group in(State s) {
      Group g;
      g.state = s;
      return g;
    }
  };
  enum class Trainer { training, encoding, delivered, abandoned };
  struct Pending {
    std::uint64_t ticket;
    std::int64_t id;
    Status status;
    std::int32_t attempts;
  };
  struct PendingFingerprint {
    std::uint64_t ticket;
    std::int64_t id;
  };

  int root_of(int g) const { return 1 + g * options_.ranks_per_sim; }
  int group_of(int farm_rank) const {
    const int g = (farm_rank - 1) / options_.ranks_per_sim;
    if (farm_rank < 1 || g >= expected_groups_ || root_of(g) != farm_rank)
      throw std::runtime_error("task farm: message from farm rank " + std::to_string(farm_rank) +
                               ", which is no group's root");
    return g;
  }
  int trainer_of(int farm_rank) const {
    const int t = farm_rank - root_of(options_.groups);
    if (t < 0 || t >= options_.trainers)
      throw std::runtime_error("task farm: encoder pass message from farm rank " +
                               std::to_string(farm_rank) + ", which is no trainer");
    return t;
  }

  void handle(core::Message& m) {
    switch (m.tag()) {
      case farm_tag::ready:
      case farm_tag::result:
        return handle_group(m);
      case farm_tag::encode_begin:
        return begin_encoding(trainer_of(m.source()), m.recv<char>());
      case farm_tag::fingerprints:
        return take_fingerprints(trainer_of(m.source()), m.recv<char>());
      case farm_tag::encode_done:
        m.recv<std::int64_t>();
        trainers_[std::size_t(trainer_of(m.source()))] = Trainer::delivered;
        return;
      default:
        throw std::runtime_error("task farm: unknown tag " + std::to_string(m.tag()) +
                                 " from farm rank " + std::to_string(m.source()));
    }
  }

  void handle_group(core::Message& m) {
    const int g = group_of(m.source());
    if (m.tag() == farm_tag::ready) {
      m.recv<std::int64_t>();
      // A late group (trainers done with their encoder pass) joins: the table grows.
      if (std::size_t(g) >= groups_.size())
        groups_.resize(std::size_t(g) + 1, Group::in(Group::absent));
      const auto st = groups_[std::size_t(g)].state;
      if (st != Group::starting && st != Group::absent)
        throw std::runtime_error("task farm: group " + std::to_string(g) + " said ready twice");
    } else {
      if (std::size_t(g) >= groups_.size())
        throw std::runtime_error("task farm: a result from group " + std::to_string(g) +
                                 ", which never said ready");
      const auto bytes = m.recv<char>();
      const auto r = decode(bytes, layout_);
      if (!r)
        throw std::runtime_error("task farm: group " + std::to_string(g) + " sent a result of " +
                                 std::to_string(bytes.size()) + " bytes that is not a record");
      auto& grp = groups_[std::size_t(g)];
      if (grp.state == Group::busy && r->ve_id == grp.task.id && r->attempts == grp.task.attempt)
        finish_try(*r);
      else
        ++summary_.late_discarded;  // fenced: the id is someone else's now
    }
    groups_[std::size_t(g)].state = Group::parked;
    dispatch();
  }

  // Trainer 0 names the checkpoint; the answer lists the ids that lack its fingerprint.
  void begin_encoding(int t, const std::vector<char>& digest) {
    if (t != 0 || !digest_.empty() || digest.empty())
      throw std::runtime_error("task farm: trainer " + std::to_string(t) +
                               " began an encoder pass out of turn");
    digest_.assign(digest.begin(), digest.end());
    std::vector<std::int64_t> reply{layout_.fingerprint_length};
    fingerprints_done_ = 0;
    for (std::int64_t id = options_.first_id; id < options_.first_id + options_.count; ++id) {
      const auto k = fingerprints_.find(id);
      if (k >= 0 && fingerprints_.digests[fingerprints_.checkpoint[std::size_t(k)]] == digest_)
        ++fingerprints_done_;
      else if (!stopping_)
        reply.push_back(id);
    }
    for (auto& tr : trainers_) tr = Trainer::encoding;
    farm_.send(std::span<const std::int64_t>(reply), farm_rank_of_trainer(0), farm_tag::encode_ids);
  }

  int farm_rank_of_trainer(int t) const { return root_of(options_.groups) + t; }

  void take_fingerprints(int t, const std::vector<char>& bytes) {
    const auto batch = decode_batch(bytes, layout_.fingerprint_length);
    if (!batch || digest_.empty())
      throw std::runtime_error("task farm: trainer " + std::to_string(t) + " sent " +
                               std::to_string(bytes.size()) +
                               " bytes that are not a batch of fingerprints");
    const auto L = std::size_t(layout_.fingerprint_length);
    for (std::size_t i = 0; i < batch->ids.size(); ++i) {
      const auto id = batch->ids[i];
      if (id < options_.first_id || id >= options_.first_id + options_.count)
        throw std::runtime_error("task farm: trainer " + std::to_string(t) +
                                 " sent a fingerprint of VE " + std::to_string(id) +
                                 ", outside the campaign's range");
      std::vector<float> values(batch->values.begin() + std::ptrdiff_t(i * L),
                                batch->values.begin() + std::ptrdiff_t((i + 1) * L));
      const auto ticket = fp_storage_->append(
          fingerprint_record(id, std::move(values), digest_, batch->seconds[i]));
      pending_fingerprints_.push_back({ticket, id});
      ++summary_.fingerprints_recorded;
    }
    const std::int64_t go_on = stopping_ ? 0 : 1;
    farm_.send(std::span<const std::int64_t>(&go_on, 1), farm_rank_of_trainer(t),
               farm_tag::fingerprints_ok);
  }

  void finish_try(const Record& r) {
    record(r);
    if (r.status == Status::failed && r.attempts < options_.max_attempts && !stopping_)
      queue_.push_back({r.ve_id, r.attempts + 1});
    if (r.status == Status::interrupted && !stopping_) begin_stop();  // some rank got SIGUSR1
  }

  void record(const Record& r) {
    pending_.push_back({storage_->append(r), r.ve_id, r.status, r.attempts});
    ++summary_.recorded;
    ++summary_.per_status[std::size_t(r.status)];
    if (is_terminal(r.status, r.attempts, options_.max_attempts)) --open_;
  }

  // Answers every parked group: a task, a stop, or nothing yet (work may come back from
  // a busy group's failure).
  void dispatch() {
    bool busy = false;
    for (const auto& g : groups_) busy |= g.state == Group::busy;
    for (int i = 0; i < int(groups_.size()); ++i) {
      auto& g = groups_[std::size_t(i)];
      if (g.state != Group::parked) continue;
      if (!stopping_ && !queue_.empty()) {
        g.task = queue_.front();
        queue_.pop_front();
        g.state = Group::busy;
        g.assigned = Clock::now();
        g.deadline = g.assigned + from_seconds(options_.task_timeout_s + options_.fence_margin_s);
        send(i, g.task.id, g.task.attempt);
        ++summary_.handed_out;
        busy = true;
      } else if (stopping_ || !busy) {
        g.state = Group::stopped;
        send(i, -1, 0);
      }
    }
  }

  void send(int g, std::int64_t id, std::int64_t attempt) {
    const std::array<std::int64_t, 2> msg{id, attempt};
    farm_.send(std::span<const std::int64_t>(msg), root_of(g), farm_tag::assign);
  }

  void fence_overdue(Clock::time_point now) {
    bool changed = false;
    for (int i = 0; i < int(groups_.size()); ++i) {
      auto& g = groups_[std::size_t(i)];
      if (g.state != Group::busy || now < g.deadline) continue;
      const double limit = options_.task_timeout_s + options_.fence_margin_s;
      record(record_for(g.task, Status::failed,
                        "worker group " + std::to_string(i) + " gave no answer within " +
                            format_seconds(limit) +
                            " s (task_timeout_s + fence_margin_s); fenced off",
                        seconds_since(g.assigned), layout_));
      ++summary_.fenced;
      if (g.task.attempt < options_.max_attempts && !stopping_)
        queue_.push_back({g.task.id, g.task.attempt + 1});
      g.state = Group::fenced;
      changed = true;
    }
    if (changed) dispatch();
  }

  void begin_stop() {
    stopping_ = true;
    summary_.stopped = true;
    const double reserve = std::max(1.0, 0.1 * options_.stop_grace_s);
    stop_deadline_ = Clock::now() + from_seconds(std::max(0.0, options_.stop_grace_s - reserve));
    dispatch();
  }

  // The stop deadline passed: busy groups get an interrupted record; they, and the
  // trainers and late groups that are not done, are abandoned.
  void abandon_busy() {
    for (int i = 0; i < int(groups_.size()); ++i) {
      auto& g = groups_[std::size_t(i)];
      if (g.state == Group::busy)
        record(record_for(
            g.task, Status::interrupted,
            "worker group " + std::to_string(i) + " did not stop within the stop grace time",
            seconds_since(g.assigned), layout_));
      if (g.state == Group::busy || g.state == Group::starting || g.state == Group::fenced ||
          g.state == Group::absent)
        g.state = Group::abandoned;
    }
    groups_.resize(std::size_t(expected_groups_), Group::in(Group::abandoned));
    for (auto& t : trainers_)
      if (t != Trainer::delivered) t = Trainer::abandoned;
  }

  // A fenced group holds the end of the run for one more allowance (task_timeout_s +
  // fence_margin_s) after its fence, so that a slow group can still be told to stop.
  // Trainers hold it until they have delivered their encoder pass and their late groups
  // have joined and been told to stop.
  bool all_done(Clock::time_point now) const {
    const auto allowance = from_seconds(options_.task_timeout_s + options_.fence_margin_s);
    if (int(groups_.size()) < expected_groups_) return false;
    for (const auto& t : trainers_)
      if (t == Trainer::training || t == Trainer::encoding) return false;
    for (const auto& g : groups_) {
      if (g.state == Group::absent || g.state == Group::starting || g.state == Group::parked ||
          g.state == Group::busy)
        return false;
      if (g.state == Group::fenced && !stopping_ && now < g.deadline + allowance) return false;
    }
    return true;
  }

  void acknowledge() {
    const auto synced = storage_->synced_count();
    bool printed = false;
    while (!pending_.empty() && pending_.front().ticket <= synced) {
      const auto& p = pending_.front();
      if (options_.acknowledgements) {
        std::fprintf(options_.acknowledgements, "ack %lld %s %d\n", static_cast<long long>(p.id),
                     std::string(status_name(p.status)).c_str(), int(p.attempts));
        printed = true;
      }
      if (is_terminal(p.status, p.attempts, options_.max_attempts))
        ++terminal_[std::size_t(p.status)];
      else if (p.status == Status::interrupted)
        ++terminal_[std::size_t(Status::interrupted)];
      ++summary_.acknowledged;
      pending_.pop_front();
    }
    const auto fp_synced = fp_storage_ ? fp_storage_->synced_count() : 0;
    while (!pending_fingerprints_.empty() && pending_fingerprints_.front().ticket <= fp_synced) {
      if (options_.acknowledgements) {
        std::fprintf(options_.acknowledgements, "fingerprint %lld\n",
                     static_cast<long long>(pending_fingerprints_.front().id));
        printed = true;
      }
      ++fingerprints_done_;
      ++summary_.fingerprints_acknowledged;
      pending_fingerprints_.pop_front();
    }
    if (printed) std::fflush(options_.acknowledgements);
  }

  // Every progress_interval_s (and at the end): one line through the log.
  void report_progress(Clock::time_point now, bool end) {
    std::int64_t done = 0;
    for (int k = 0; k < 4; ++k) done += terminal_[std::size_t(k)];
    const double t = std::chrono::duration<double>(now - started_).count();
    if (t >= next_sample_s_ || end) {
      rate_.add(t, done);
      next_sample_s_ = t + 1;
    }
    if (options_.progress_interval_s <= 0 || (!end && t < next_report_s_)) return;
    next_report_s_ = t + options_.progress_interval_s;
    ProgressSnapshot p;
    p.done = done;
    p.total = options_.count;
    p.rate = rate_.rate();
    for (int k = 0; k < 5; ++k) p.per_status[k] = terminal_[std::size_t(k)];
    if (options_.trainers > 0) {
      p.fingerprints_done = fingerprints_done_;
      p.fingerprints_total = options_.count;
    }
    for (int i = 0; i < int(groups_.size()); ++i) {
      const auto& g = groups_[std::size_t(i)];
      if (g.state != Group::busy) continue;
      const double s = std::chrono::duration<double>(now - g.assigned).count();
      if (p.slowest_group < 0 || s > p.slowest_s) {
        p.slowest_group = i;
        p.slowest_id = g.task.id;
        p.slowest_s = s;
      }
    }
    core::log::info("{}", progress_line(p));
  }

  const core::Comm& farm_;
  FarmOptions options_;
  RecordLayout layout_;
  std::vector<Group> groups_;
  int expected_groups_ = 0;  // regular and late groups
  std::vector<Trainer> trainers_;
  std::deque<Task> queue_;
  std::optional<CollectorStorage> storage_;
  std::deque<Pending> pending_;
  std::size_t open_ = 0;  // ids of this run not yet terminal
  bool stopping_ = false;
  Clock::time_point stop_deadline_;
  FarmSummary summary_;
  // The encoder pass: fingerprints found in the folder, the trainers' checkpoint, the
  // fingerprint storage and what awaits its sync.
  Fingerprints fingerprints_;
  std::string digest_;
  std::optional<CollectorStorage> fp_storage_;
  std::deque<PendingFingerprint> pending_fingerprints_;
  std::int64_t fingerprints_done_ = 0;  // ids of the range with a durable fingerprint
  // Progress: terminal ids by status (interrupted: acknowledged interrupted tries).
  std::array<std::int64_t, 5> terminal_{};
  Clock::time_point started_ = Clock::now();
  RateWindow rate_;
  double next_sample_s_ = 0, next_report_s_ = 0;
};

// The record of a try as the group's root reports it; an outcome of the wrong shape is
// a failure of the try, not of the farm.
TaskOutcome failed_outcome(std::string message) {
  TaskOutcome out;
  out.status = Status::failed;
  out.message = std::move(message);
  return out;
}

Record record_of(const Task& t, TaskOutcome out, std::vector<float> fingerprint, double wall_s,
                 const RecordLayout& layout) {
  const auto stress_size = std::size_t(layout.points * 6);
  if (!out.stress.empty() && out.stress.size() != stress_size) {
    out.message = "the task returned " + std::to_string(out.stress.size()) +
                  " stress values, expected " + std::to_string(stress_size) + " (points x 6)";
    out.status = Status::failed;
    out.stress.clear();
  }
  if (fingerprint.size() != std::size_t(layout.fingerprint_length)) {
    if (!fingerprint.empty()) {
      out.message = "the encoder returned " + std::to_string(fingerprint.size()) +
                    " values, expected " + std::to_string(layout.fingerprint_length);
      out.status = Status::failed;
    }
    fingerprint.assign(std::size_t(layout.fingerprint_length), 0.0f);
  }
  Record r = record_for(t, out.status, std::move(out.message), out.wall_s > 0 ? out.wall_s : wall_s,
                        layout);
  r.iterations = out.iterations;
  r.fingerprint = std::move(fingerprint);
  if (!out.stress.empty()) r.stress = std::move(out.stress);
  return r;
}

}  // namespace

FarmSummary run_manager(const core::Comm& farm, const std::filesystem::path& dir,
                        const Identity& identity, const StorageOptions& storage,
                        const FarmOptions& options, const core::Comm* collectors) {
  std::optional<Manager> manager;
  try {
    manager.emplace(farm, dir, identity, storage, options, collectors);
  } catch (...) {
    // The folder could not be read or opened (another campaign's files, a second writer):
    // the groups are told to stop at once, so that the error ends the job cleanly on
    // every rank instead of leaving the workers waiting for work.
    // Trainers get [-1] for their encoder pass and then the stop of their late groups.
    const std::array<std::int64_t, 2> stop{-1, 0};
    const int rps = std::max(1, options.ranks_per_sim);
    const int groups = options.groups + (std::max(0, options.trainers) + rps - 1) / rps;
    for (int g = 0; g < groups && 1 + g * rps < farm.size(); ++g)
      farm.send(std::span<const std::int64_t>(stop), 1 + g * rps, farm_tag::assign);
    if (options.trainers > 0 && 1 + options.groups * rps < farm.size())
      farm.send(std::span<const std::int64_t>(stop.data(), 1), 1 + options.groups * rps,
                farm_tag::encode_ids);
    throw;
  }
  return manager->run();
}

std::size_t run_worker(const core::Comm& farm, const core::Comm& group, int group_index,
                       const RecordLayout& layout, TaskRunner& runner, Encoder* encoder,
                       const FarmOptions& options) {
  const bool root = group.is_root();
  if (root) {
    const std::int64_t g = group_index;
    farm.send(std::span<const std::int64_t>(&g, 1), 0, farm_tag::ready);
  }
  std::size_t tasks = 0;
  std::vector<char> bytes;
  for (;;) {
    std::array<std::int64_t, 2> msg{};
    if (root) {
      auto req = farm.irecv(std::span<std::int64_t>(msg), 0, farm_tag::assign);
      wait_polling(req, options.idle_sleep_max_us);
      for (int i = 1; i < group.size(); ++i)
        group.send(std::span<const std::int64_t>(msg), i, farm_tag::group);
    } else {
      auto req = group.irecv(std::span<std::int64_t>(msg), 0, farm_tag::group);
      wait_polling(req, options.idle_sleep_max_us);
    }
    if (msg[0] < 0) return tasks;
    const Task task{msg[0], static_cast<std::int32_t>(msg[1])};
    const auto start = Clock::now();
    const StopToken stop(start + from_seconds(options.task_timeout_s));
    TaskOutcome out;
    try {
      out = runner.run(group, task, stop);
    } catch (const std::exception& e) {
      out = failed_outcome(e.what());
    }
    std::vector<float> fingerprint;
    if (encoder) {
      try {
        fingerprint = encoder->fingerprint(group, task.id);
      } catch (const std::exception& e) {
        out = failed_outcome(std::string("encoder: ") + e.what());
      }
    }
    ++tasks;
    if (!root) continue;
    bytes.clear();
    encode(record_of(task, std::move(out), std::move(fingerprint), seconds_since(start), layout),
           layout, bytes);
    farm.send(std::span<const char>(bytes), 0, farm_tag::result);
  }
}

}  // namespace mspipe::campaign
