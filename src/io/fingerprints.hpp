#pragma once
// The fingerprint file, schema "mspipe.fingerprints" version 1:
//
//   /ve_id        int64   (N)          the VE each row belongs to
//   /fingerprint  float32 (N, latent)  mu of the VAE's encoder for that VE
//   attributes of /: schema, schema_version, model (the architecture in words),
//                    checkpoint (its path), checkpoint_digest (fnv1a64 of its bytes)
//
// The rows can be shared over the ranks of a communicator in contiguous blocks in rank
// order: each rank passes its own block and the file does not depend on the rank count.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::core {
class Comm;
}

namespace mspipe::io {

inline constexpr const char* kFingerprintSchema = "mspipe.fingerprints";
inline constexpr std::int64_t kFingerprintSchemaVersion = 1;

struct Fingerprints {
  std::int64_t total = 0;           // rows in the file, N
  std::int64_t first = 0;           // file row of this block's first row
  int latent = 0;                   // values per fingerprint
  std::vector<std::int64_t> ve_id;  // this block's rows
  std::vector<float> fingerprint;   // this block's rows x latent, row-major
  std::string model, checkpoint, checkpoint_digest;
};

// Writes `<path>.tmp` and renames it to `path`. Serial: `rows` is the whole file.
void write_fingerprints(const std::filesystem::path& path, const Fingerprints& rows);
// Collective over `comm`: each rank passes its block (rows.first, rows.ve_id.size()).
void write_fingerprints(const std::filesystem::path& path, const Fingerprints& rows,
                        const core::Comm& comm);
// The whole file (first = 0); an InputError naming the file when it is not one.
Fingerprints read_fingerprints(const std::filesystem::path& path);

}  // namespace mspipe::io
