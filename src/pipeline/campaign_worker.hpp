#pragma once
// What a campaign's worker group runs: the crystal plasticity of one VE through a
// cp::Engine (campaign::TaskRunner), and, with a VAE checkpoint, its fingerprint
// (campaign::Encoder). The VE comes from the VE set or is regenerated from (seed, id).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "campaign/task.hpp"
#include "io/ve_set.hpp"
#include "microstructure/volume_element.hpp"
#include "pipeline/campaign_config.hpp"

namespace mspipe::pipeline {

// The campaign's VEs by id, the last one kept: the encoder asks for the VE the runner has
// just simulated.
class CampaignVes {
 public:
  CampaignVes(const CampaignConfig& config, std::uint64_t seed);
  const microstructure::VolumeElement& get(std::int64_t id);

 private:
  const CampaignConfig& config_;
  std::uint64_t seed_;
  std::optional<io::VeSetReader> reader_;
  microstructure::VolumeElement ve_;
  bool have_ = false;
};

class CpTaskRunner final : public campaign::TaskRunner {
 public:
  CpTaskRunner(const CampaignConfig& config, CampaignVes& ves) : config_(config), ves_(ves) {}
  // converged / not_converged as the engine says, stopped: timeout when the task's wall
  // limit has passed, interrupted otherwise (a graceful stop); failed with the engine's
  // message. Exceptions are the farm's to record (failed).
  campaign::TaskOutcome run(const core::Comm& group, const campaign::Task& task,
                            const campaign::StopToken& stop) override;

 private:
  const CampaignConfig& config_;
  CampaignVes& ves_;
};

// The fingerprint of a VE through the encoder of `checkpoint` (loaded at the first VE),
// on the group's rank 0 (the farm records rank 0's); nullptr when built without LibTorch.
std::unique_ptr<campaign::Encoder> make_vae_encoder(const std::filesystem::path& checkpoint, CampaignVes& ves,
                                                    int threads);

}  // namespace mspipe::pipeline
