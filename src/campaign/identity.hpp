#pragma once
// The campaign identity (io::CampaignIdentity): stored in every journal header and every
// shard, so records of different campaigns are never mixed.
#include <optional>
#include <span>
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

// Length-prefixed little-endian encoding (inside a journal header frame).
void encode(const Identity& id, std::vector<char>& out);
// std::nullopt when the bytes are not an encoded identity; `used` receives the bytes read.
std::optional<Identity> decode_identity(std::span<const char> bytes, std::size_t& used);

}  // namespace mspipe::campaign
