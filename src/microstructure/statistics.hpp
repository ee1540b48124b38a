#pragma once
// Per-grain and per-VE statistics from the voxels: volume, ESD, grains on each face,
// aspect ratio (principal axes of the voxel set around the grain's seed, minimum image).
#include "microstructure/volume_element.hpp"

namespace mspipe::microstructure {

// Drops grains without voxels (renumbering the rest in order), then fills every grain's
// volume_voxels, esd and aspect_ratio and the VE's stats. Needs grain_id, grains[].centre,
// size and resolution.
void compute_statistics(VolumeElement& ve);

// Equivalent sphere diameter of `voxels` voxels of edge `resolution`.
double esd_of_voxels(double voxels, double resolution);

}  // namespace mspipe::microstructure
