#pragma once
// [campaign]: what a campaign computes (VE source, id range, material, load, engine, VAE)
// and how the job runs it (layout, storage, retries, limits). Read and checked whole
// before any work: unknown keys, the layout against the rank count, and the files that
// already exist (VE set, VAE checkpoint) against the material and each other.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "campaign/layout.hpp"
#include "core/config.hpp"
#include "cp/engine.hpp"
#include "cp/load_case.hpp"
#include "microstructure/generator.hpp"

namespace mspipe::pipeline {

struct CampaignConfig {
  std::int64_t first_id = 0, count = 0;  // the VE ids [first_id, first_id + count)
  std::optional<std::filesystem::path> ve_set;               // VEs read from this file ...
  std::optional<microstructure::GeneratorParams> generator;  // ... or generated ([campaign.generate])
  cp::Phase phase;
  std::string material;  // the value of campaign.material (a name, a file, or "table")
  cp::LoadCase load;
  std::string load_text;  // the load case in words (the campaign identity's load_case)
  std::string engine_name;
  std::unique_ptr<cp::Engine> engine;
  int downsample = 1;
  std::optional<std::filesystem::path> vae_checkpoint;  // encode with it; otherwise trainers train [vae]
  double flush_interval_s = 1.0;
  std::int64_t shard_size = 1000;
  std::int32_t max_attempts = 3;
  double task_timeout_s = 3600, stop_grace_s = 60;
  campaign::Layout layout;  // resolved for the job's rank count
  std::filesystem::path folder, merged;  // <output_dir>/campaign/, <output_dir>/campaign.h5
  // Keys whose values are checked against files at run time.
  core::KeyRef ve_set_ref, downsample_ref, checkpoint_ref, material_ref, generate_ref;
};

// Reads [campaign] (finishing every table in it) for a job of `world_size` ranks. Relative
// paths are under `output_dir`. Throws core::ConfigError at the key at fault.
CampaignConfig read_campaign_config(const core::Section& root, const std::filesystem::path& output_dir,
                                    int world_size);

// What the campaign's VEs are: from the generator's parameters, or the VE set's header.
struct CampaignInputs {
  int edge = 0;           // voxels per side
  std::string generator;  // TOML text of the generator parameters
};
// Reads the VE set's header and checks what the VE set and the checkpoint must agree on: the VE set's lattice against
// the material's, its ids cover the id range, the downsample divides the edge, the
// checkpoint takes VEs of that edge. ConfigError at the key (nothing written); InputError
// when a file cannot be read. Call on every rank (the files are read where they are).
CampaignInputs check_campaign_inputs(const CampaignConfig& c);

// Fingerprint length of the campaign: the checkpoint's latent, or that of the model
// [vae] trains (`vae_latent`).
std::int64_t fingerprint_length(const CampaignConfig& c, int vae_latent);

}  // namespace mspipe::pipeline
