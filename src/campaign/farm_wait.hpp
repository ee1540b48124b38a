#pragma once
// How the task farm's ranks wait without spinning (task_farm.hpp, "Who waits where"):
// shared by the manager, the worker groups and the trainers' encoder pass.
#include <algorithm>
#include <chrono>
#include <thread>

#include "core/request.hpp"

namespace mspipe::campaign::farm_wait {

using Clock = std::chrono::steady_clock;

inline Clock::duration from_seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}
inline double seconds_since(Clock::time_point t) {
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

inline void wait_polling(core::Request& r, int max_us) {
  Backoff backoff(max_us);
  while (!r.test()) backoff.wait();
}

}  // namespace mspipe::campaign::farm_wait
