#include "campaign/task_farm.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "campaign/state.hpp"
#include "campaign/stop_signal.hpp"

namespace mspipe::campaign {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration from_seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The sleep of a waiting loop: short right after activity (a reply is usually a loop turn
// away), growing to max_us while nothing happens, so that waiting costs almost no CPU.
class Backoff {
 public:
  explicit Backoff(int max_us) : max_us_(std::max(1, max_us)) {}
  void reset() { us_ = 0; }
  void wait() {
    us_ = us_ == 0 ? std::min(10, max_us_) : std::min(2 * us_, max_us_);
    std::this_thread::sleep_for(std::chrono::microseconds(us_));
  }

 private:
  int max_us_;
  int us_ = 0;
};

void wait_polling(core::Request& r, int max_us) {
  Backoff backoff(max_us);
  while (!r.test()) backoff.wait();
}

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
          const StorageOptions& storage, const FarmOptions& options)
      : farm_(farm),
        options_(options),
        layout_(layout_of(identity)),
        groups_(std::size_t(options.groups)) {
    if (options.groups < 1 || 1 + options.groups * options.ranks_per_sim != farm.size())
      throw std::invalid_argument("task farm: " + std::to_string(options.groups) + " groups of " +
                                  std::to_string(options.ranks_per_sim) +
                                  " ranks and a collector do not make " +
                                  std::to_string(farm.size()) + " farm ranks");
    const State state = rebuild(dir, {.max_attempts = options.max_attempts, .expect = &identity});
    for (std::int64_t id = options.first_id; id < options.first_id + options.count; ++id) {
      const Entry* e = state.find(id);
      if (!e)
        queue_.push_back({id, 1});
      else if (state.is_done(id))
        ++summary_.skipped;
      else
        queue_.push_back({id, e->attempts + 1});
    }
    open_ = queue_.size();
    storage_.emplace(dir, identity, storage);
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
      acknowledge();
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
    acknowledge();
    storage_->finish();
    summary_.unfinished = open_;
    return summary_;
  }

 private:
  struct Group {
    enum State { starting, parked, busy, fenced, stopped, abandoned } state = starting;
    Task task;
    Clock::time_point assigned, deadline;
  };
  struct Pending {
    std::uint64_t ticket;
    std::int64_t id;
    Status status;
    std::int32_t attempts;
  };

  int root_of(int g) const { return 1 + g * options_.ranks_per_sim; }
  int group_of(int farm_rank) const {
    const int g = (farm_rank - 1) / options_.ranks_per_sim;
    if (farm_rank < 1 || g >= options_.groups || root_of(g) != farm_rank)
      throw std::runtime_error("task farm: message from farm rank " + std::to_string(farm_rank) +
                               ", which is no group's root");
    return g;
  }

  void handle(core::Message& m) {
    const int g = group_of(m.source());
    if (m.tag() == farm_tag::ready) {
      m.recv<std::int64_t>();
      if (groups_[std::size_t(g)].state != Group::starting)
        throw std::runtime_error("task farm: group " + std::to_string(g) + " said ready twice");
    } else if (m.tag() == farm_tag::result) {
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
    } else {
      throw std::runtime_error("task farm: unknown tag " + std::to_string(m.tag()) +
                               " from farm rank " + std::to_string(m.source()));
    }
    groups_[std::size_t(g)].state = Group::parked;
    dispatch();
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
    for (int i = 0; i < options_.groups; ++i) {
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
    for (int i = 0; i < options_.groups; ++i) {
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

  void abandon_busy() {
    for (int i = 0; i < options_.groups; ++i) {
      auto& g = groups_[std::size_t(i)];
      if (g.state == Group::busy)
        record(record_for(
            g.task, Status::interrupted,
            "worker group " + std::to_string(i) + " did not stop within the stop grace time",
            seconds_since(g.assigned), layout_));
      if (g.state == Group::busy || g.state == Group::starting || g.state == Group::fenced)
        g.state = Group::abandoned;
    }
  }

  // A fenced group holds the end of the run for one more allowance (task_timeout_s +
  // fence_margin_s) after its fence, so that a slow group can still be told to stop.
  bool all_done(Clock::time_point now) const {
    const auto allowance = from_seconds(options_.task_timeout_s + options_.fence_margin_s);
    for (const auto& g : groups_) {
      if (g.state == Group::starting || g.state == Group::parked || g.state == Group::busy)
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
      ++summary_.acknowledged;
      pending_.pop_front();
    }
    if (printed) std::fflush(options_.acknowledgements);
  }

  const core::Comm& farm_;
  FarmOptions options_;
  RecordLayout layout_;
  std::vector<Group> groups_;
  std::deque<Task> queue_;
  std::optional<CollectorStorage> storage_;
  std::deque<Pending> pending_;
  std::size_t open_ = 0;  // ids of this run not yet terminal
  bool stopping_ = false;
  Clock::time_point stop_deadline_;
  FarmSummary summary_;
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
                        const FarmOptions& options) {
  std::optional<Manager> manager;
  try {
    manager.emplace(farm, dir, identity, storage, options);
  } catch (...) {
    // The folder could not be read or opened (another campaign's files, a second writer):
    // the groups are told to stop at once, so that the error ends the job cleanly on
    // every rank instead of leaving the workers waiting for work.
    const std::array<std::int64_t, 2> stop{-1, 0};
    for (int g = 0; g < options.groups; ++g)
      farm.send(std::span<const std::int64_t>(stop), 1 + g * options.ranks_per_sim,
                farm_tag::assign);
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
