#pragma once
// Volume fractions of a VE's grains, counted from its voxel grain ids (the grain table's
// volume_voxels is not trusted: a downsampled VE keeps the table of the original).
#include <vector>

#include "microstructure/volume_element.hpp"

namespace mspipe::analysis {

// (grains) fractions summing to 1; throws std::invalid_argument for a VE without voxels or
// with a grain id outside its table.
std::vector<double> grain_volume_fractions(const microstructure::VolumeElement& ve);

}  // namespace mspipe::analysis
