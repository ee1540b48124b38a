#pragma once
// The pipeline stages of the VAE: "train_vae" ([vae]) and "encode" ([encode]).
#include <functional>
#include <memory>

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

class Stage;
struct VaeSetup;
// What "train_vae" runs: training on the VEs of the setup, collective over `comm` (all
// ranks of the stage, or a campaign's trainers), resuming from a checkpoint there.
// Returns false when `stop` (ml::train_vae) ended it early, the checkpoint saved.
bool train_vae_on(const core::Comm& comm, const VaeSetup& setup, const std::function<bool()>& stop = {});

// Trains on [vae.data] over all ranks; writes <output_dir>/<vae.output_dir>/checkpoint.pt
// and metrics.csv, resuming from the checkpoint when one is there.
std::unique_ptr<Stage> make_train_vae_stage();
// Fingerprints of every VE of [vae.data] with the trained model:
// <output_dir>/<encode.output> (default fingerprints.h5).
std::unique_ptr<Stage> make_encode_stage();

}  // namespace mspipe::pipeline
