#include "pipeline/surrogate_fingerprints.hpp"

#include <algorithm>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "ml/vae_encode.hpp"
#include "ml/ve_encoder.hpp"
#include "pipeline/surrogate_baselines.hpp"
#include "pipeline/surrogate_predict_ves.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe::pipeline {

std::unique_ptr<ml::VeSource> campaign_ves(const SurrogateSetup& s, const CampaignRows& c, int ve_size) {
  const auto& ids = c.rows.ve_id;
  if (!s.ve_set.empty()) return at_model_size(ve_set_by_id(s.ve_set, ids), ve_size);
  const auto lo = *std::min_element(ids.begin(), ids.end()), hi = *std::max_element(ids.begin(), ids.end());
  std::vector<std::int64_t> index;
  for (auto id : ids) index.push_back(id - lo);
  const auto params = generator_of(c.identity, s.campaign.string());
  return at_model_size(owning_subset(make_generated_source(params, c.identity.seed, lo, hi - lo + 1), std::move(index)),
                       ve_size);
}

std::vector<float> encode_campaign(const SurrogateSetup& s, const CampaignRows& c,
                                   const std::filesystem::path& checkpoint, std::int64_t* latent,
                                   const core::Comm& world) {
  std::unique_ptr<ml::VeSource> ves;
  // Every rank builds the same VE source (regeneration is deterministic) and encodes its block.
  core::collective(world, [&] { ves = campaign_ves(s, c, ml::checkpoint_model(checkpoint).ve_size); });
  ml::InferenceOptions o;
  o.checkpoint = checkpoint;
  o.threads = s.threads;
  ml::EncodedBlock block;
  core::collective(world, [&] { block = ml::encode_set(world, o, *ves); });
  *latent = block.latent;
  core::on_root(world, [&] { core::log::info("surrogate: {} encoded by {}", ves->describe(), checkpoint.string()); });
  return world.gatherv(std::span<const float>(block.mu), 0);
}

int model_downsample(const SurrogateSetup& s, const CampaignRows& c) {
  if (s.vae_checkpoint.empty()) return 1;
  const int edge = generator_of(c.identity, s.campaign.string()).size;
  const int ve_size = ml::checkpoint_model(s.vae_checkpoint).ve_size;
  return ve_size > 0 && edge % ve_size == 0 ? edge / ve_size : 1;
}

bool lacks_fingerprints(const CampaignRows& c) { return c.identity.vae_checkpoint_digest.empty(); }

void encode_when_missing(const SurrogateSetup& s, CampaignRows& c, const core::Comm& world) {
  if (!lacks_fingerprints(c)) return;
  if (s.vae_checkpoint.empty()) {
    core::on_root(world, [&] {
      core::log::warn("surrogate: {} was run without a VAE: its fingerprints are placeholders (set "
                      "surrogate.vae_checkpoint to encode its VEs)", s.campaign.string());
    });
    return;
  }
  std::int64_t latent = 0;
  auto x = encode_campaign(s, c, s.vae_checkpoint, &latent, world);
  c.rows.x = std::move(x);
  c.rows.inputs = latent;
  c.meta.inputs = latent;
}

}  // namespace mspipe::pipeline
