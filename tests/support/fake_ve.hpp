#pragma once
// Test helper shared by the VE-set tests: a synthetic VE whose every value depends on its
// id, so that a round trip through a file can be checked field by field.
#include <cstdint>

#include "microstructure/volume_element.hpp"

namespace mspipe::test_support {

// A synthetic VE whose every value depends on its id, with id % 3 + 1 grains.
inline microstructure::VolumeElement fake_ve(std::int64_t id, int d) {
  microstructure::VolumeElement v;
  v.id = id;
  v.size = d;
  v.resolution = 0.25;
  const int g = static_cast<int>(id % 3) + 1;
  v.grain_id.resize(d * d * d);
  v.euler.resize(3 * d * d * d);
  for (int i = 0; i < d * d * d; ++i) {
    v.grain_id[i] = (i + static_cast<int>(id)) % g;
    for (int c = 0; c < 3; ++c) v.euler[c * d * d * d + i] = static_cast<float>((i * 0.001 + c * 0.1 + id * 0.01));
  }
  for (int k = 0; k < g; ++k) {
    microstructure::Grain gr;
    gr.orientation = {0.5, 0.5, 0.5, 0.5 * (k + 1) / g};
    gr.volume_voxels = 10.0 * k + id;
    gr.centre = {1.0 * k, 2.0 * id, 0.5};
    gr.esd = 1.5 + k;
    gr.target_esd = 1.4 + k;
    gr.aspect_ratio = 1.0 + 0.1 * k;
    v.grains.push_back(gr);
  }
  v.stats.mean_esd = 2.0 + id;
  v.stats.mean_aspect_ratio = 1.25;
  v.stats.face_grains = {1, 2, 3, 4, 5, static_cast<std::int32_t>(id)};
  return v;
}

}  // namespace mspipe::test_support
