#pragma once
// The "campaign" stage: one SPMD job that splits the ranks into the collector (task
// manager and storage), VAE trainers and crystal-plasticity worker groups
// (campaign/layout.hpp), runs the task farm over the VE ids of [campaign]
// (campaign/task_farm.hpp) into <output_dir>/campaign/, and merges the result into
// <output_dir>/campaign.h5 at the end of an unsharded run. Rerunning resumes; SIGUSR1
// stops gracefully (exit 0, the rerun completes the campaign).
#include <memory>

#include "campaign/identity.hpp"
#include "campaign/task_farm.hpp"
#include "pipeline/campaign_config.hpp"

namespace mspipe::pipeline {

class Stage;
std::unique_ptr<Stage> make_campaign_stage();

// What the roles of a campaign need besides the configuration (campaign_stage.cpp builds
// it; the dry run and the trainers read it).
struct CampaignPlan {
  campaign::Identity identity;
  campaign::FarmOptions farm;
  campaign::StorageOptions storage;
};
// Block `shard` of `num_shards` of the id range, with collector index `shard`.
// `vae_training` describes the VAE the trainers train (empty when they do not): without a
// checkpoint it names the campaign's VAE (campaign::trained_in_campaign).
CampaignPlan make_campaign_plan(const CampaignConfig& config, const CampaignInputs& inputs, std::uint64_t seed,
                                int shard, int num_shards, int world_size, std::int64_t fingerprint_length,
                                std::string_view vae_training = {});

}  // namespace mspipe::pipeline
