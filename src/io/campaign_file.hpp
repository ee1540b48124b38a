#pragma once
// The campaign file (DESIGN.md section 4), schema "mspipe.campaign" version 1, and its
// shards (schema "mspipe.campaign_shard", the same layout plus the attributes collector
// and shard). One row per record:
//
//   /ve_id        int64   (N)            sorted ascending in a merged file; write order in a shard
//   /fingerprint  float32 (N, L)         VAE fingerprint mu
//   /stress       float64 (N, points, 6) volume-averaged Cauchy stress, Pa (Voigt order below)
//   /strain       float64 (points)       applied eps_zz of each point of the curve
//   /status       int8    (N)            attribute "names": "0 converged, 1 not_converged, ..."
//   /attempts     int32   (N)            tries this VE has had, this one included
//   /iterations   int64   (N)            solver iterations of the whole curve
//   /wall_s       float64 (N)            seconds the simulation took
//   /message      uint8   (M)            the messages of all rows, UTF-8, concatenated ...
//   /message_offset int64 (N + 1)        ... row i's is bytes [offset[i], offset[i+1])
//   attributes of /: schema, schema_version, material, load_case, engine, generator (TOML
//     text of the generator parameters), generator_digest, seed, vae_checkpoint_digest,
//     mspipe_version, fingerprint_length, points, stress_components
//
// Files are written whole, under `<name>.tmp`, and renamed when closed (io::h5::File), so
// a file under its final name is always complete.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"

namespace mspipe::io {

inline constexpr const char* kCampaignSchema = "mspipe.campaign";
inline constexpr const char* kCampaignShardSchema = "mspipe.campaign_shard";
inline constexpr std::int64_t kCampaignSchemaVersion = 1;
// Status codes stored in /status; the index is the code.
inline constexpr std::array<const char*, 5> kCampaignStatusNames = {
    "converged", "not_converged", "failed", "timeout", "interrupted"};

// What makes two sets of records parts of the same campaign, plus what a reader of the
// result needs to know about how it was made.
struct CampaignIdentity {
  std::uint64_t seed = 0;
  std::string generator;                // TOML text of the generator parameters
  std::string generator_digest;         // generator_digest(generator)
  std::int64_t fingerprint_length = 0;  // L
  std::int64_t points = 0;              // points of each stress curve
  std::vector<double> strain;           // (points): eps_zz of each point
  std::string material;
  std::string load_case;
  std::string engine;
  std::string vae_checkpoint_digest;
  std::string mspipe_version;  // informative: a rerun by a newer build is the same campaign
};

// "fnv1a64:<16 hex digits>" of the text (the digest style of checkpoint digests).
std::string text_digest(std::string_view text);

// Empty when `a` and `b` describe the same campaign; otherwise one phrase per difference,
// the value of a first: "seed 7 vs 9; points 21 vs 11".
std::string identity_difference(const CampaignIdentity& a, const CampaignIdentity& b);

// Records as columns (structure of arrays), rows in file order.
struct CampaignColumns {
  std::vector<std::int64_t> ve_id;
  std::vector<std::int8_t> status;
  std::vector<std::int32_t> attempts;
  std::vector<std::int64_t> iterations;
  std::vector<double> wall_s;
  std::vector<float> fingerprint;  // N * L
  std::vector<double> stress;      // N * points * 6
  std::vector<std::uint8_t> message;
  std::vector<std::int64_t> message_offset = {0};  // N + 1
  std::size_t size() const { return ve_id.size(); }
};

struct ShardTag {
  std::int64_t collector = 0;
  std::int64_t index = 0;
};

// Writes a whole file (a shard when `shard` is given). Throws InputError naming `path`.
void write_campaign_file(const std::filesystem::path& path, const CampaignIdentity& identity,
                         const CampaignColumns& rows, const std::optional<ShardTag>& shard = {});

// The same file (a merged one, never a shard) written together by every rank of `comm`
// through parallel HDF5: each rank passes its rows, a consecutive block in rank order
// (rank 0's rows first; a rank may have none), with message_offset starting at 0. The
// attributes are written by every rank and must be the same on all. Collective; the file
// appears under its name only once every rank has written and closed it.
void write_campaign_file(const std::filesystem::path& path, const CampaignIdentity& identity,
                         const CampaignColumns& rows, const core::Comm& comm);

struct CampaignFile {
  CampaignIdentity identity;
  CampaignColumns rows;
  std::optional<ShardTag> shard;
};
// Reads a campaign file or shard and checks its schema and shapes. With `ids_only`, only
// /ve_id, /status and /attempts are read (the other columns stay empty).
CampaignFile read_campaign_file(const std::filesystem::path& path, bool ids_only = false);

}  // namespace mspipe::io
