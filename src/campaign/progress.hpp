#pragma once
// The manager's progress line, logged every FarmOptions::progress_interval_s (10 s by
// default) and once at the end:
//
//   campaign: 1200/50000 ids (2.4%), 3.10 ids/s, ETA 4h22m; converged 1150, not_converged 30,
//   failed 15, timeout 5, interrupted 2; fingerprints 800/50000; slowest group 17 (VE 4411, 10m12s)
//
// (one line). The rate is over the last minute (RateWindow), so the ETA follows the
// farm's current pace rather than its start-up; the ETA is unknown ("--") before any id
// is done. "fingerprints" only appears in a campaign with trainers, "slowest group" only
// while a group runs a task (the group whose current task has run longest).
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

namespace mspipe::campaign {

struct ProgressSnapshot {
  std::int64_t done = 0, total = 0;  // ids of the range with a terminal status
  double rate = 0;                   // ids per second, recent
  // converged, not_converged, failed, timeout: ids terminal with that status;
  // interrupted: tries interrupted in this run.
  std::int64_t per_status[5] = {};
  std::int64_t fingerprints_done = -1, fingerprints_total = 0;  // -1: no trainers
  int slowest_group = -1;                                       // -1: no task running
  std::int64_t slowest_id = 0;
  double slowest_s = 0;
};

// Seconds until done == total at `rate`; 0 when done, negative when unknown (no rate).
double eta_seconds(std::int64_t done, std::int64_t total, double rate);
std::string progress_line(const ProgressSnapshot& p);

// Ids per second over the last `window_s` seconds, from samples (time, done count).
class RateWindow {
 public:
  explicit RateWindow(double window_s = 60) : window_s_(window_s) {}
  void add(double t, std::int64_t done);
  double rate() const;

 private:
  double window_s_;
  std::deque<std::pair<double, std::int64_t>> samples_;
};

}  // namespace mspipe::campaign
