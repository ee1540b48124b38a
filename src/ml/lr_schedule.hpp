#pragma once
// The learning rate of each training step. A function of the step alone, so a resumed run
// and any rank count follow the same rates. No LibTorch here.
#include <cstdint>

#include "ml/vae_options.hpp"

namespace mspipe::ml {

// Rate for step `step` (0-based: the step about to be taken) of a run of `total_steps`.
// constant: t.lr. cosine: t.lr * (step + 1) / warmup_steps during the warm-up, then
// final + (t.lr - final) * (1 + cos(pi * p)) / 2 with p = (step - warmup) / (total - warmup)
// (clamped to [0, 1]) and final = t.final_lr_ratio * t.lr.
double learning_rate(const TrainOptions& t, std::int64_t step, std::int64_t total_steps);

}  // namespace mspipe::ml
