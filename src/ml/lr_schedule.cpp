#include "ml/lr_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace mspipe::ml {

double learning_rate(const TrainOptions& t, std::int64_t step, std::int64_t total_steps) {
  if (t.lr_schedule == LrSchedule::constant) return t.lr;
  const std::int64_t warmup = t.warmup_steps;
  if (step < warmup) return t.lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double span = static_cast<double>(std::max<std::int64_t>(1, total_steps - warmup));
  const double p = std::clamp(static_cast<double>(step - warmup) / span, 0.0, 1.0);
  const double final_lr = t.final_lr_ratio * t.lr;
  return final_lr + (t.lr - final_lr) * 0.5 * (1 + std::cos(M_PI * p));
}

}  // namespace mspipe::ml
