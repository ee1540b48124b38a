#pragma once
// Progress of a long loop: "label: 120/500 (24%), 3.2/s, ETA 1m58s", printed through the
// log at most every `interval_s` seconds and once at the end.
#include <chrono>
#include <cstdint>
#include <string>

namespace mspipe::core {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, double interval_s = 5.0);
  // Reports that `done` items (cumulative) are complete.
  void update(std::int64_t done);
  void finish();
  // "1h02m", "3m05s", "12.3s"
  static std::string format_duration(double seconds);
  std::string line(std::int64_t done) const;

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::int64_t total_;
  double interval_s_;
  Clock::time_point start_, last_;
  std::int64_t done_ = 0;
  bool finished_ = false;
};

}  // namespace mspipe::core
