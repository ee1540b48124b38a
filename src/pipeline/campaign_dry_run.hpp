#pragma once
// `mspipe CONFIG --dry-run` for the campaign stage: the layout, the VEs, the size of the
// result, memory per rank and the core-hours it will take, estimated from the folder's
// recorded simulation times when a previous run left some, or else from a short
// calibration run of the first VE on rank 0. Writes nothing.
#include <cstdint>

#include "pipeline/campaign_config.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

struct RunContext;

// Collective over `world`.
void campaign_dry_run(const core::Comm& world, const CampaignConfig& config, const RunContext& ctx,
                      std::int64_t vae_latent);

// Seconds of one simulation on one rank, extrapolated from a run of the first VE stopped
// after `budget_s` (increments done so far scaled to all of them); negative (minus a lower
// bound) when not one increment was done within the budget. `peak_rss_mb` receives the growth of the process's peak memory. `self`: a
// communicator of this rank alone.
double calibrate_one_ve(const core::Comm& self, const CampaignConfig& config, std::uint64_t seed, double budget_s,
                        double& peak_rss_mb);

}  // namespace mspipe::pipeline
