#pragma once
// Data-parallel VAE training over the trainers' communicator. No LibTorch in this header.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "ml/vae_options.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core { class Comm; }

namespace mspipe::ml {

struct TrainSummary {
  std::int64_t steps = 0;          // steps taken in total (including before a resume)
  std::int64_t steps_this_run = 0;
  int epochs_completed = 0;
  double train_total = 0;          // mean loss of the last completed epoch
  double test_total = 0, test_bce = 0, test_spectral = 0;
  double test_phi4_mean = 0, test_phi4_std = 0;  // over the phi4 test subset
  double seconds = 0;
  double allreduce_seconds = 0;    // total time in the gradient all-reduce
  std::filesystem::path checkpoint;
  std::filesystem::path metrics;
  bool interrupted = false;        // the stop check ended the run early
};

// Whether training picks up an existing checkpoint in cfg.output_dir or starts over.
enum class TrainStart { resume, fresh };

// Trains on `data` as `cfg` says; files go to cfg.output_dir (checkpoint.pt, metrics.csv).
// Resuming from an existing checkpoint, training continues exactly where it stopped.
// Collective over `trainers`; configuration problems are thrown as core::ConfigError.
// `stop`, when given, is asked before every step and its answers are combined over
// `trainers` (one all-reduce of an int per step): when any rank says stop, every rank
// saves the checkpoint at that step and returns with `interrupted` set; a rerun resumes
// there (a campaign's graceful stop).
TrainSummary train_vae(const core::Comm& trainers, const VaeConfig& cfg, const VeSource& data,
                       TrainStart start = TrainStart::resume, const std::function<bool()>& stop = {});

// The deterministic train/test split (indices into the source) and the per-epoch order:
// functions of the seed only, never of the rank count.
struct Split {
  std::vector<std::int64_t> train, test;
};
Split split_indices(std::int64_t count, double test_fraction, std::uint64_t seed);
std::vector<std::int64_t> epoch_order(const std::vector<std::int64_t>& train, std::int64_t epoch,
                                      std::uint64_t seed);

}  // namespace mspipe::ml
