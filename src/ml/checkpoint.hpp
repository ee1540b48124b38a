#pragma once
// One archive per checkpoint: model, optimiser, position in training, the running sums of
// the current epoch and the metrics so far. Written to a temporary name and renamed, so
// a crash never leaves a half-written checkpoint under the real name. The random streams
// are counter-based (keyed by seed, epoch, step and sample), so seed and position are the
// whole RNG state.
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ml/fused_adam.hpp"
#include "ml/model.hpp"

namespace mspipe::ml {

struct TrainPosition {
  std::int64_t epoch = 0;          // epoch in progress (0-based)
  std::int64_t step_in_epoch = 0;  // steps of that epoch already taken
  std::int64_t global_step = 0;    // steps taken in total
  std::uint64_t seed = 0;
};

// Running sums of the epoch in progress: each step's loss terms (mean over ranks) and the
// number of steps they sum over.
struct EpochSums {
  double bce = 0, spectral = 0, kl = 0, total = 0;
  double steps = 0;
  double texture = 0;  // the texture term's sum (stored since the texture head; 0 before)
};

struct Checkpoint {
  ModelOptions model;
  TrainPosition position;
  EpochSums epoch_sums;
  std::string metrics_csv;         // metrics.csv as written so far
};

void save_checkpoint(const std::filesystem::path& file, Vae& model, const FusedAdam* optimizer,
                     const Checkpoint& c);

// Reads the metadata; load_checkpoint_state gives `model` (built from c.model by the
// caller) its weights. Throws core::InputError naming the file.
Checkpoint read_checkpoint_header(const std::filesystem::path& file);
void load_checkpoint_state(const std::filesystem::path& file, Vae& model);
// The optimiser's state (after the model's: FusedAdam is built on the loaded parameters).
void load_optimizer_state(const std::filesystem::path& file, FusedAdam& optimizer);

// Builds the model a checkpoint describes and loads its weights (for encode / eval).
Vae load_model(const std::filesystem::path& file);

}  // namespace mspipe::ml
