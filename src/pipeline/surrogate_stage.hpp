#pragma once
// The surrogate's work as the commands and the train_surrogate stage run it: rank 0
// trains and writes, every rank agrees on errors (nothing is written on a bad input).
#include <memory>

#include "pipeline/stage.hpp"
#include "pipeline/surrogate_setup.hpp"

namespace mspipe::pipeline {

// Reads the campaign, trains, writes model.pt, metrics.csv, summary.json/txt and the
// rest into setup.output_dir (prepared first when `prepare` is set; a stage's outputs are
// prepared by run_config). Collective over `world`.
void run_surrogate_training(const SurrogateSetup& setup, const core::Comm& world, bool prepare);

// `mspipe surrogate compare`: the same network on several inputs over the same split.
void run_surrogate_compare(const SurrogateSetup& setup, const core::Comm& world);

std::unique_ptr<Stage> make_train_surrogate_stage();

}  // namespace mspipe::pipeline
