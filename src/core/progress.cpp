#include "core/progress.hpp"

#include <fmt/core.h>

#include <cmath>

#include "core/log.hpp"

namespace mspipe::core {

Progress::Progress(std::string label, std::int64_t total, double interval_s)
    : label_(std::move(label)), total_(total), interval_s_(interval_s),
      start_(Clock::now()), last_(start_) {}

std::string Progress::format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 60) return fmt::format("{:.1f}s", s);
  auto total = static_cast<long long>(std::llround(s));
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
}

std::string Progress::line(std::int64_t done) const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  const double pct = total_ > 0 ? 100.0 * done / total_ : 100.0;
  std::string out = fmt::format("{}: {}/{} ({:.0f}%)", label_, done, total_, pct);
  if (rate > 0) {
    out += rate >= 1 ? fmt::format(", {:.2f}/s", rate) : fmt::format(", {:.2f}s each", 1 / rate);
    if (done < total_) out += ", ETA " + format_duration((total_ - done) / rate);
    else out += ", took " + format_duration(elapsed);
  }
  return out;
}

void Progress::update(std::int64_t done) {
  done_ = done;
  const auto now = Clock::now();
  if (std::chrono::duration<double>(now - last_).count() < interval_s_ && done < total_) return;
  last_ = now;
  log::info("{}", line(done));
  if (done >= total_) finished_ = true;
}

void Progress::finish() {
  if (!finished_) log::info("{}", line(done_));
  finished_ = true;
}

}  // namespace mspipe::core
