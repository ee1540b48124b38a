#pragma once
// The fingerprints that the trainers deliver (task_farm.hpp, run_encoder_pass), stored
// apart from the records and joined to them by id.
//
// Why a second CollectorStorage (PartFamily::fingerprints) and not a record kind in the
// records' own journal: the fingerprint of an id usually arrives before or after its
// record and from other ranks, and the rules of the records (one terminal record per id,
// attempts, the winner rule of state.hpp, the files that rebuild() and the crash tests
// read) would all have to learn to skip a second kind of row. A second instance of the
// same storage reuses all of its durability (checksummed journal synced per
// flush_interval_s before anything is counted, shards written whole and never reopened,
// replay and torn-tail cut on reopen) and leaves the records' files exactly as they were.
//
// A fingerprint is stored as a Record of the fingerprint identity (the campaign's, with
// curves of one point: 48 bytes of zeros instead of a whole curve): ve_id, status
// converged, attempts 1, wall_s the seconds it took to encode, message the digest of the
// checkpoint that made it, fingerprint its L values.
//
// Which fingerprint of an id counts: the one written last (collector, part, position),
// as the tie-break of state.hpp. The trainers encode the ids that lack a fingerprint of
// their checkpoint, so after a VAE trained again the newer checkpoint's fingerprints win.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "campaign/identity.hpp"
#include "campaign/record.hpp"

namespace mspipe::campaign {

// The identity of the fingerprint files of campaign `id` (points 1, strain {0}).
Identity fingerprint_identity(const Identity& id);

Record fingerprint_record(std::int64_t ve_id, std::vector<float> values,
                          const std::string& checkpoint_digest, double wall_s);

// One winner per id, sorted by id.
struct Fingerprints {
  std::vector<std::int64_t> ids;
  std::vector<std::uint32_t> checkpoint;  // per id: index into digests
  std::vector<std::string> digests;       // checkpoint digests, in order of appearance
  std::vector<float> values;              // ids.size() * L, when read with values
  std::int64_t length = 0;                // L

  // Index of `ve_id` in ids, or -1.
  std::ptrdiff_t find(std::int64_t ve_id) const;
  std::size_t size() const { return ids.size(); }
};

// Reads every fingerprint shard and journal segment of `dir`. With `campaign`, the files
// must belong to it (core::InputError otherwise, as rebuild()).
Fingerprints read_fingerprints(const std::filesystem::path& dir, const Identity* campaign,
                               bool values);

// The message of a fingerprint batch (trainer -> manager): count u32, then count x
// (ve_id i64, seconds f64, L x f32).
void encode_batch(std::span<const std::int64_t> ids, std::span<const double> seconds,
                  std::span<const float> values, std::vector<char>& out);
struct Batch {
  std::vector<std::int64_t> ids;
  std::vector<double> seconds;
  std::vector<float> values;  // ids.size() * L
};
// std::nullopt when the bytes are not a batch of fingerprints of length L.
std::optional<Batch> decode_batch(std::span<const char> bytes, std::int64_t length);

}  // namespace mspipe::campaign
