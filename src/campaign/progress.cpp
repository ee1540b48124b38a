#include "campaign/progress.hpp"

#include <fmt/format.h>

#include "campaign/record.hpp"
#include "core/progress.hpp"

namespace mspipe::campaign {

double eta_seconds(std::int64_t done, std::int64_t total, double rate) {
  if (done >= total) return 0;
  if (rate <= 0) return -1;
  return double(total - done) / rate;
}

std::string progress_line(const ProgressSnapshot& p) {
  const double eta = eta_seconds(p.done, p.total, p.rate);
  std::string s =
      fmt::format("campaign: {}/{} ids ({:.1f}%), {:.2f} ids/s, ETA {}", p.done, p.total,
                  p.total > 0 ? 100.0 * double(p.done) / double(p.total) : 100.0, p.rate,
                  eta < 0 ? "--" : core::Progress::format_duration(eta));
  for (int k = 0; k < 5; ++k)
    s += fmt::format("{}{} {}", k == 0 ? "; " : ", ", status_name(Status(k)), p.per_status[k]);
  if (p.fingerprints_done >= 0)
    s += fmt::format("; fingerprints {}/{}", p.fingerprints_done, p.fingerprints_total);
  if (p.slowest_group >= 0)
    s += fmt::format("; slowest group {} (VE {}, {})", p.slowest_group, p.slowest_id,
                     core::Progress::format_duration(p.slowest_s));
  return s;
}

void RateWindow::add(double t, std::int64_t done) {
  samples_.emplace_back(t, done);
  // Keep one sample at or before the window's start, so the rate spans the whole window.
  while (samples_.size() > 2 && samples_[1].first <= t - window_s_) samples_.pop_front();
}

double RateWindow::rate() const {
  if (samples_.size() < 2) return 0;
  const double dt = samples_.back().first - samples_.front().first;
  return dt > 0 ? double(samples_.back().second - samples_.front().second) / dt : 0;
}

}  // namespace mspipe::campaign
