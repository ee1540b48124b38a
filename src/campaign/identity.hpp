#pragma once
// The campaign identity (io::CampaignIdentity): stored in every journal header and every
// shard, so records of different campaigns are never mixed.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "campaign/record.hpp"
#include "io/campaign_file.hpp"

namespace mspipe::campaign {

using Identity = io::CampaignIdentity;

inline RecordLayout layout_of(const Identity& id) {
  return {id.fingerprint_length, id.points};
}

// Fills generator_digest from generator and checks the sizes (L > 0, points > 0,
// strain of `points` values). Throws std::invalid_argument.
Identity complete(Identity id);

// A campaign whose trainers train its VAE has no checkpoint when it starts, so its identity
// names what defines the VAE instead: vae_checkpoint_digest = trained_in_campaign(text)
// = "trained in campaign: " + text_digest of the [vae] table's TOML text. A rerun with the
// same [vae] is the same campaign (whatever checkpoint its training writes); another [vae]
// is another campaign. The digest of the checkpoint that actually made the fingerprints
// travels with every fingerprint the trainers deliver (fingerprints.hpp) and becomes the
// vae_checkpoint_digest of the merged campaign.h5 (merge.hpp). Such a campaign expects a
// fingerprint from the trainers for every id; the merge refuses one that lacks any.
std::string trained_in_campaign(std::string_view vae_config_text);
bool trains_in_campaign(const Identity& id);

// Length-prefixed little-endian encoding (inside a journal header frame).
void encode(const Identity& id, std::vector<char>& out);
// std::nullopt when the bytes are not an encoded identity; `used` receives the bytes read.
std::optional<Identity> decode_identity(std::span<const char> bytes, std::size_t& used);

}  // namespace mspipe::campaign
