#pragma once
// Campaign records with a payload that depends only on (id, attempts), so a test can
// check every value that comes back from a journal, a shard or a merged file.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include "campaign/identity.hpp"
#include "campaign/record.hpp"

namespace mspipe::test_campaign {

inline campaign::Identity identity(std::int64_t L = 8, std::int64_t points = 3,
                                   std::uint64_t seed = 42) {
  campaign::Identity id;
  id.seed = seed;
  id.generator = "count = 100\nsize = 16\n";
  id.fingerprint_length = L;
  id.points = points;
  for (std::int64_t k = 0; k < points; ++k)
    id.strain.push_back(0.01 * double(k) / double(points - 1 > 0 ? points - 1 : 1));
  id.material = "Mg";
  id.load_case = "uniaxial tension z, 1e-3/s, 20 increments";
  id.engine = "mspipe";
  id.vae_checkpoint_digest = "fnv1a64:0123456789abcdef";
  id.mspipe_version = "0.1.0";
  return campaign::complete(id);
}

// The same campaign with its VAE trained in the campaign (identity.hpp).
inline campaign::Identity trained_identity(std::int64_t L = 8, std::int64_t points = 3,
                                           std::uint64_t seed = 42) {
  auto id = identity(L, points, seed);
  id.vae_checkpoint_digest = campaign::trained_in_campaign("latent = " + std::to_string(L) + "\n");
  return campaign::complete(id);
}

inline campaign::Record record(std::int64_t ve_id, const campaign::Identity& id,
                               campaign::Status status = campaign::Status::converged,
                               std::int32_t attempts = 1) {
  campaign::Record r;
  r.ve_id = ve_id;
  r.status = status;
  r.attempts = attempts;
  r.iterations = 100 + ve_id;
  r.wall_s = 0.5 * double(ve_id) + attempts;
  if (status == campaign::Status::failed)
    r.message = "solver diverged in VE " + std::to_string(ve_id);
  for (std::int64_t i = 0; i < id.fingerprint_length; ++i)
    r.fingerprint.push_back(float(ve_id) + 0.001f * float(i));
  for (std::int64_t i = 0; i < id.points * 6; ++i)
    r.stress.push_back(1e6 * double(ve_id) + double(i) + 0.25 * attempts);
  return r;
}

}  // namespace mspipe::test_campaign
