#pragma once
// The campaign's encoder through a trained VAE (in the ML plugin; the executable reaches it
// through MlRegistry::make_vae_encoder).
#include <filesystem>
#include <memory>

#include "campaign/task.hpp"

namespace mspipe::pipeline {

class CampaignVes;

// The fingerprint of a VE through the encoder of `checkpoint` (loaded at the first VE),
// on the group's rank 0 (the farm records rank 0's).
std::unique_ptr<campaign::Encoder> make_campaign_encoder(const std::filesystem::path& checkpoint, CampaignVes& ves,
                                                         int threads);

}  // namespace mspipe::pipeline
