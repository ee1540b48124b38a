#pragma once
// A voxel volume element: grain ids and FZ-reduced Bunge angles, DAMASK voxel order
// (x fastest: index = x + nx*(y + ny*z)), a cube of `size` voxels per side.
#include <array>
#include <cstdint>
#include <vector>

#include "texture/quaternion.hpp"

namespace mspipe::microstructure {

struct Grain {
  texture::Quat orientation;   // FZ-reduced, w >= 0
  double volume_voxels = 0;    // voxels it holds in the VE
  texture::Vec3 centre{};      // seed position in voxel units
  double target_esd = 0;       // equivalent sphere diameter drawn for it (physical units)
  double esd = 0;              // equivalent sphere diameter of its voxels (physical units)
  double aspect_ratio = 1;     // longest / intermediate principal axis of its voxel set
};

// Statistics of one VE (what `mspipe generate` reports and stores).
struct VeStatistics {
  double mean_esd = 0;                        // mean grain ESD (physical units)
  std::array<std::int32_t, 6> face_grains{};  // distinct grains on the -x,+x,-y,+y,-z,+z voxel layers
  double mean_aspect_ratio = 1;               // mean over grains of at least 8 voxels
};

struct VolumeElement {
  std::int64_t id = 0;
  int size = 0;                              // voxels per side
  double resolution = 1.0;                   // physical length per voxel
  std::vector<std::int32_t> grain_id;        // size^3, 0-based into grains
  std::vector<Grain> grains;
  // Normalised Bunge angles (phi1/2pi, Phi/pi, phi2/2pi) as 3 channels of size^3 each,
  // channel-major: the (C, D, H, W) = (3, z, y, x) layout LibTorch takes directly.
  std::vector<float> euler;
  VeStatistics stats;
  std::int64_t voxels() const { return std::int64_t(size) * size * size; }
};

}  // namespace mspipe::microstructure
