#pragma once
// What the task farm asks of a worker group, without knowing what a task computes: the
// crystal-plasticity engine (or a test) implements TaskRunner, and whatever makes
// fingerprints (the VAE encoder) implements Encoder.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "campaign/record.hpp"
#include "campaign/stop_signal.hpp"
#include "core/comm.hpp"

namespace mspipe::campaign {

// When a running task should give up. Both questions are local to the rank that asks: a
// solver of several ranks combines them at an iteration boundary (group.any(...)) so
// that its ranks stop at the same iteration.
class StopToken {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StopToken(Clock::time_point deadline) : deadline_(deadline) {}
  // The task's wall limit has passed: return TaskStatus::timeout.
  bool expired() const { return Clock::now() >= deadline_; }
  // A graceful stop (SIGUSR1) was requested: return TaskStatus::interrupted.
  bool stop_requested() const { return stop_signal_received(); }
  bool should_stop() const { return stop_requested() || expired(); }
  Clock::time_point deadline() const { return deadline_; }

 private:
  Clock::time_point deadline_;
};

// One try of one VE.
struct Task {
  std::int64_t id = 0;
  std::int32_t attempt = 1;  // 1 for the first try; a retry may choose a gentler solver
};

// The outcome of a try, as the group's rank 0 reports it (other ranks' outcomes are not
// read). Status values as in record.hpp:
//   converged      the curve is complete;
//   not_converged  the solver gave up on this VE (a property of the VE: never retried);
//   failed         an error confined to the group (message kept, retried up to
//                  max_attempts); an exception thrown by run() on rank 0 counts as failed;
//   timeout        the StopToken expired (never retried);
//   interrupted    the StopToken asked to stop (rerun on resume).
struct TaskOutcome {
  Status status = Status::converged;
  std::string message;
  std::vector<double> stress;  // points x 6 (Pa); may be empty unless converged (zeros then)
  std::int64_t iterations = 0;
  double wall_s = 0;  // filled by the farm when left at 0
};

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  // Collective over `group` (every rank of the group calls it with the same task).
  virtual TaskOutcome run(const core::Comm& group, const Task& task, const StopToken& stop) = 0;
};

// Fingerprints of VEs (length L of the campaign identity). Collective over `group`; the
// result of rank 0 is recorded. Without an Encoder the farm records a fingerprint of L
// zeros: the record layout is fixed, and an all-zero vector is never a VAE mean (which
// a later pass can recompute from the VE id alone, the VE being regenerated from its seed).
class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual std::vector<float> fingerprint(const core::Comm& group, std::int64_t id) = 0;
};

}  // namespace mspipe::campaign
