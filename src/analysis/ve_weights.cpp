#include "analysis/ve_weights.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace mspipe::analysis {

std::vector<double> grain_volume_fractions(const microstructure::VolumeElement& ve) {
  const auto voxels = std::size_t(ve.voxels());
  if (voxels == 0 || ve.grain_id.size() != voxels)
    throw std::invalid_argument(
        fmt::format("VE {}: {} grain ids for {} voxels", ve.id, ve.grain_id.size(), voxels));
  std::vector<double> w(ve.grains.size(), 0.0);
  for (auto g : ve.grain_id) {
    if (g < 0 || std::size_t(g) >= w.size())
      throw std::invalid_argument(
          fmt::format("VE {}: grain id {} outside its {} grains", ve.id, g, w.size()));
    w[g] += 1;
  }
  for (auto& x : w) x /= double(voxels);
  return w;
}

}  // namespace mspipe::analysis
