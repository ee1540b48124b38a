#pragma once
// A voxel volume element: grain ids and FZ-reduced Bunge angles, DAMASK voxel order
// (x fastest: index = x + nx*(y + ny*z)), a cube of `size` voxels per side.
#include <cstdint>
#include <vector>

#include "texture/quaternion.hpp"

namespace mspipe::microstructure {

struct Grain {
  texture::Quat orientation;   // FZ-reduced, w >= 0
  double volume_voxels = 0;    // voxels it holds in the VE
  texture::Vec3 centre{};      // seed position in voxel units
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
  std::int64_t voxels() const { return std::int64_t(size) * size * size; }
};

}  // namespace mspipe::microstructure
