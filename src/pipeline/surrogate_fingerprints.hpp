#pragma once
// Fingerprints for the surrogate from the campaign's own VEs: a campaign run without a VAE
// (inputs/mg_cpu.toml) stores stress curves only, and any trained checkpoint gives them
// their fingerprints afterwards, from the VEs regenerated from the campaign's seed and
// generator parameters (or read from a VE-set file).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "ml/ve_source.hpp"
#include "pipeline/surrogate_setup.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

// The VEs of `c`'s converged records, in its order, at a model's size: a model smaller
// than the VEs by a whole factor sees every factor-th voxel, the cells a campaign with
// that downsample simulated (at_model_size). From s.ve_set when set, else regenerated.
std::unique_ptr<ml::VeSource> campaign_ves(const SurrogateSetup& s, const CampaignRows& c, int ve_size);

// mu of `checkpoint`'s encoder for every converged record of `c`, rows in the campaign's
// order, on rank 0 (empty elsewhere); each rank encodes a block. `latent` is set on every
// rank. Collective.
std::vector<float> encode_campaign(const SurrogateSetup& s, const CampaignRows& c,
                                   const std::filesystem::path& checkpoint, std::int64_t* latent,
                                   const core::Comm& world);

// The factor at_model_size applies to the campaign's VEs for s.vae_checkpoint's model (1
// without a checkpoint or when the sizes do not divide): the baselines computed from the
// VEs use the same voxels. Throws core::InputError naming an unreadable checkpoint.
int model_downsample(const SurrogateSetup& s, const CampaignRows& c);

// True when the campaign's /fingerprint is a placeholder: it was run without a VAE (no
// checkpoint digest).
bool lacks_fingerprints(const CampaignRows& c);

// For a campaign without fingerprints and a setup with a vae_checkpoint: replaces the
// rows' inputs by the encoded fingerprints (on rank 0) and the fingerprint length in the
// rows and the metadata (every rank). Otherwise leaves `c` as it is. Collective.
void encode_when_missing(const SurrogateSetup& s, CampaignRows& c, const core::Comm& world);

}  // namespace mspipe::pipeline
