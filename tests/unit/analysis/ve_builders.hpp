#pragma once
// Small VEs with chosen orientations for the descriptor tests.
#include <vector>

#include "microstructure/volume_element.hpp"

namespace mspipe::test_support {

// A size^3 VE whose voxel i belongs to grain i % orientations.size().
inline microstructure::VolumeElement voxel_grains(int size,
                                                  const std::vector<texture::Quat>& orientations) {
  microstructure::VolumeElement ve;
  ve.size = size;
  ve.grain_id.resize(std::size_t(ve.voxels()));
  for (std::size_t i = 0; i < ve.grain_id.size(); ++i)
    ve.grain_id[i] = std::int32_t(i % orientations.size());
  for (const auto& q : orientations) ve.grains.push_back({.orientation = q});
  return ve;
}

inline microstructure::VolumeElement single_crystal(int size, const texture::Quat& q) {
  return voxel_grains(size, {q});
}

}  // namespace mspipe::test_support
