#pragma once
// A decoded latent path (ml/vae_path.hpp) as files, written by rank 0 into an existing
// folder: step_<k>.vti per step (cell array euler_normalised, 3 components), input_a.vti
// and input_b.vti (the two VEs), and path.csv (step, t, file), which
// tools/plot_vae_path.py turns into the slice strip.
#include <filesystem>

#include "ml/vae_path.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

void write_latent_path(const core::Comm& world, const std::filesystem::path& dir,
                       const ml::LatentPath& path);

}  // namespace mspipe::pipeline
