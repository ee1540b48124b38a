#pragma once
// VAE reconstructions of some VEs, schema "mspipe.reconstructions" version 1:
//
//   /ve_id                 int64   (n)
//   /phi4                  float64 (n)              mean over voxels of 1 - |q1 . q2|
//   /input/euler           float32 (n, 3, D, D, D)  normalised Bunge angles fed to the VAE
//   /reconstruction/euler  float32 (n, 3, D, D, D)  what it gave back
//   attributes of /: schema, schema_version, model, checkpoint
//
// and, to look at, one ve_<id>_reconstruction.vti per VE with the cell arrays
// euler_normalised, euler_reconstructed (3 components) and phi4 (voxelwise).
// Rows can be shared over ranks in contiguous blocks in rank order, as for fingerprints.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::core {
class Comm;
}

namespace mspipe::io {

inline constexpr const char* kReconstructionsSchema = "mspipe.reconstructions";
inline constexpr std::int64_t kReconstructionsSchemaVersion = 1;

struct Reconstructions {
  std::int64_t total = 0;             // rows in the file, n
  std::int64_t first = 0;             // file row of this block's first row
  int edge = 0;                       // voxels per side, D
  std::vector<std::int64_t> ve_id;    // this block's rows
  std::vector<double> phi4;           // per row
  std::vector<float> input;           // per row 3 x D^3, channel-major
  std::vector<float> reconstruction;  // per row 3 x D^3, channel-major
  std::vector<float> voxel_phi4;      // per row D^3
  std::string model, checkpoint;
  std::int64_t voxels() const { return std::int64_t(edge) * edge * edge; }
};

// Writes `<path>.tmp` and renames it to `path`. Serial: `rows` is the whole file.
void write_reconstructions(const std::filesystem::path& path, const Reconstructions& rows);
// Collective over `comm`: each rank passes its block.
void write_reconstructions(const std::filesystem::path& path, const Reconstructions& rows,
                           const core::Comm& comm);
// The whole file (first = 0; voxel_phi4 is not stored and comes back empty).
Reconstructions read_reconstructions(const std::filesystem::path& path);
// One .vti per row of `rows` into the existing directory `dir`.
void write_reconstruction_vtis(const std::filesystem::path& dir, const Reconstructions& rows);

}  // namespace mspipe::io
