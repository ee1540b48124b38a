#pragma once
// A TaskRunner for task-farm tests: sleeps a few milliseconds (a length drawn from a
// generator seeded by the id, checked against the StopToken every millisecond) and
// returns a curve that depends only on the id, so every value that comes back can be
// checked. Chosen ids misbehave:
//   id % 97 == 13                     not_converged (never retried)
//   id % 89 == 5, attempt 1           failed ("flaky VE <id>"), converged on attempt 2
//   id % 83 == 7                      failed on every attempt (terminal after max_attempts)
//   id == hang_id, attempt 1          sleeps hang_s, ignoring the StopToken (to be fenced)
// Every rank of a group runs it; the group agrees on stopping once per millisecond.
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "campaign/stop_signal.hpp"
#include "campaign/task.hpp"

namespace mspipe::test_campaign {

inline double curve_value(std::int64_t id, std::int64_t point, int component) {
  return 1e6 * double(id) + 1e3 * double(point) + double(component);
}

enum class Fate { converged, not_converged, flaky, broken };
inline Fate fate_of(std::int64_t id) {
  if (id % 97 == 13) return Fate::not_converged;
  if (id % 89 == 5) return Fate::flaky;
  if (id % 83 == 7) return Fate::broken;
  return Fate::converged;
}

class SleepyRunner : public campaign::TaskRunner {
 public:
  SleepyRunner(std::int64_t points, int min_ms, int max_ms)
      : points_(points), min_ms_(min_ms), max_ms_(max_ms) {}
  std::int64_t hang_id = -1;
  double hang_s = 0;

  campaign::TaskOutcome run(const core::Comm& group, const campaign::Task& task,
                            const campaign::StopToken& stop) override {
    campaign::TaskOutcome out;
    if (task.id == hang_id && task.attempt == 1) {
      std::this_thread::sleep_for(std::chrono::duration<double>(hang_s));
    } else {
      std::mt19937_64 rng(static_cast<std::uint64_t>(task.id) * 7919u + 17u);
      const int ms = std::uniform_int_distribution<int>(min_ms_, max_ms_)(rng);
      for (int i = 0; i < ms; ++i) {
        const bool interrupted = group.any(stop.stop_requested());
        const bool expired = group.any(stop.expired());
        if (interrupted || expired) {
          out.status = interrupted ? campaign::Status::interrupted : campaign::Status::timeout;
          out.iterations = i;
          return out;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++out.iterations;
      }
    }
    switch (fate_of(task.id)) {
      case Fate::not_converged:
        out.status = campaign::Status::not_converged;
        return out;
      case Fate::flaky:
        if (task.attempt == 1) {
          out.status = campaign::Status::failed;
          out.message = "flaky VE " + std::to_string(task.id);
          return out;
        }
        break;
      case Fate::broken:
        out.status = campaign::Status::failed;
        out.message = "broken VE " + std::to_string(task.id);
        return out;
      case Fate::converged:
        break;
    }
    for (std::int64_t p = 0; p < points_; ++p)
      for (int c = 0; c < 6; ++c) out.stress.push_back(curve_value(task.id, p, c));
    return out;
  }

 private:
  std::int64_t points_;
  int min_ms_, max_ms_;
};

// The fingerprint the fake encoder gives VE `id`: value i is id + i / 8 (exact in float
// for the ids of the tests).
inline float fake_fingerprint_value(std::int64_t id, std::int64_t i) {
  return float(id) + 0.125f * float(i);
}

// An Encoder for task-farm tests: the fingerprint depends only on the id, after
// `sleep_ms` of "work"; it remembers the ids it was asked for. With stop_after >= 0, it
// raises the stop flag (as SIGUSR1 would) once it has made that many fingerprints.
class FakeEncoder : public campaign::Encoder {
 public:
  FakeEncoder(std::int64_t length, double sleep_ms) : length_(length), sleep_ms_(sleep_ms) {}
  int stop_after = -1;
  std::vector<std::int64_t> asked;

  std::vector<float> fingerprint(const core::Comm&, std::int64_t id) override {
    asked.push_back(id);
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(sleep_ms_));
    if (stop_after >= 0 && std::int64_t(asked.size()) >= stop_after) campaign::request_stop();
    std::vector<float> v;
    for (std::int64_t i = 0; i < length_; ++i) v.push_back(fake_fingerprint_value(id, i));
    return v;
  }

 private:
  std::int64_t length_;
  double sleep_ms_;
};

// The status a complete campaign must end with for an id (max_attempts 3).
inline campaign::Status expected_status(std::int64_t id) {
  switch (fate_of(id)) {
    case Fate::not_converged:
      return campaign::Status::not_converged;
    case Fate::broken:
      return campaign::Status::failed;
    default:
      return campaign::Status::converged;
  }
}

}  // namespace mspipe::test_campaign
