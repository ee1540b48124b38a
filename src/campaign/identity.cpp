#include "campaign/identity.hpp"

#include <stdexcept>

#include "campaign/bytes.hpp"

namespace mspipe::campaign {

Identity complete(Identity id) {
  id.generator_digest = io::text_digest(id.generator);
  if (id.fingerprint_length <= 0 || id.points <= 0)
    throw std::invalid_argument(
        "campaign identity: fingerprint length and points must be positive");
  if (std::int64_t(id.strain.size()) != id.points)
    throw std::invalid_argument("campaign identity: strain needs one value per point");
  return id;
}

namespace {
constexpr std::string_view kTrainedPrefix = "trained in campaign: ";
}

std::string trained_in_campaign(std::string_view vae_config_text) {
  return std::string(kTrainedPrefix) + io::text_digest(vae_config_text);
}

bool trains_in_campaign(const Identity& id) {
  return std::string_view(id.vae_checkpoint_digest).starts_with(kTrainedPrefix);
}

using bytes::put;
using bytes::put_text;

void encode(const Identity& id, std::vector<char>& out) {
  put(out, id.seed);
  put(out, id.fingerprint_length);
  put(out, id.points);
  put(out, std::uint32_t(id.strain.size()));
  put(out, id.strain.data(), id.strain.size());
  for (const auto* s : {&id.generator, &id.generator_digest, &id.material, &id.load_case,
                        &id.engine, &id.vae_checkpoint_digest, &id.mspipe_version})
    put_text(out, *s);
}

std::optional<Identity> decode_identity(std::span<const char> data, std::size_t& used) {
  bytes::Reader in{data};
  Identity id;
  std::uint32_t n = 0;
  if (!in.get(id.seed) || !in.get(id.fingerprint_length) || !in.get(id.points) || !in.get(n))
    return std::nullopt;
  if (n > in.left() / sizeof(double)) return std::nullopt;
  id.strain.resize(n);
  in.get(id.strain.data(), n);
  for (auto* s : {&id.generator, &id.generator_digest, &id.material, &id.load_case, &id.engine,
                  &id.vae_checkpoint_digest, &id.mspipe_version})
    if (!in.text(*s)) return std::nullopt;
  used = in.at;
  return id;
}

}  // namespace mspipe::campaign
