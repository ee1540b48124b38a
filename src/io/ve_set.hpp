#pragma once
// The VE-set file (DESIGN.md section 4), schema "mspipe.ve_set" version 1:
//
//   /ve/euler            float32 (N, 3, D, D, D)  normalised FZ Bunge angles, one chunk per VE, deflate
//   /ve/grain_id         int32   (N, D, D, D)     0-based, x fastest, one chunk per VE, deflate
//   /ve/id               int64   (N)              VE ids (regenerate VE i from (seed, id, generator))
//   /ve/grain_count      int32   (N)              grains of each VE ...
//   /ve/grain_offset     int64   (N)              ... and the row of its first grain in /grains/*
//   /grains/orientation  float64 (G, 4)           quaternion (w, x, y, z), P = -1, FZ-reduced
//   /grains/centre       float64 (G, 3)           seed position, voxel units
//   /grains/volume_voxels, /grains/esd, /grains/target_esd, /grains/aspect_ratio   float64 (G)
//   /stats/mean_esd      float64 (N);  /stats/mean_aspect_ratio float64 (N)
//   /stats/face_grains   int32   (N, 6)           grains on the -x,+x,-y,+y,-z,+z voxel layers
//   attributes of /: schema, schema_version, lattice, size, resolution, seed, count,
//                    generator (the [generate] TOML that made the set), euler_normalisation
//
// The writer is collective over a communicator: each call appends the next block of VEs,
// every rank passing its own contiguous share in rank order, so the file's content does
// not depend on the number of ranks. The reader is serial (open one per rank).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "microstructure/volume_element.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::io {

inline constexpr const char* kVeSetSchema = "mspipe.ve_set";
inline constexpr std::int64_t kVeSetSchemaVersion = 1;

struct VeSetHeader {
  int size = 0;                  // voxels per side, D
  double resolution = 1.0;       // physical length per voxel
  std::string lattice;           // "cubic" | "hexagonal"
  std::uint64_t seed = 0;        // campaign seed the VEs were drawn with
  std::int64_t count = 0;        // N
  std::string generator;         // TOML text of the generator parameters
};

// Voxel fields are stored with deflate level 1 and no shuffle (about 250 kB per 64^3 VE of
// ~40 grains, 16x smaller than raw; shuffling hurts piecewise-constant fields): level 4
// saves another 30 % of space for twice the CPU time.
class VeSetWriter {
 public:
  // Collective: creates `<path>.tmp` with room for header.count VEs.
  VeSetWriter(const std::filesystem::path& path, const VeSetHeader& header, const core::Comm& comm);
  ~VeSetWriter();
  VeSetWriter(const VeSetWriter&) = delete;
  VeSetWriter& operator=(const VeSetWriter&) = delete;

  // Collective: appends the next block of VEs. Rank r passes its VEs for file rows
  // [first_row, first_row + ves.size()); the ranks' ranges must follow each other in rank
  // order and start where the previous call ended (an empty share is fine).
  void append(std::int64_t first_row, std::span<const microstructure::VolumeElement> ves);
  std::int64_t rows_written() const { return rows_; }
  // Collective: checks that all N rows were written, closes and renames to `path`.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::int64_t rows_ = 0;
  std::int64_t grains_ = 0;
};

class VeSetReader {
 public:
  explicit VeSetReader(const std::filesystem::path& path);
  ~VeSetReader();
  VeSetReader(VeSetReader&&) noexcept;

  const VeSetHeader& header() const { return header_; }
  std::int64_t count() const { return header_.count; }
  const std::vector<std::int64_t>& ids() const { return ids_; }

  // One VE with grains and statistics (row `index`, 0-based).
  microstructure::VolumeElement read(std::int64_t index) const;
  std::vector<microstructure::VolumeElement> read_batch(std::int64_t first, std::int64_t n) const;
  // Only the voxel fields of rows [first, first + n), straight into caller buffers of
  // n*3*D^3 floats and n*D^3 ints (the (N, C, D, H, W) layout of a training batch).
  void read_euler(std::int64_t first, std::int64_t n, std::span<float> out) const;
  void read_grain_ids(std::int64_t first, std::int64_t n, std::span<std::int32_t> out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  VeSetHeader header_;
  std::vector<std::int64_t> ids_, grain_offset_;
  std::vector<std::int32_t> grain_count_;
  void check_rows(std::int64_t first, std::int64_t n) const;
};

}  // namespace mspipe::io
