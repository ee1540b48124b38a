#pragma once
// Grain sizes with Dream3D's meaning: lognormal ESD, drawn until the grains fill the box.
#include <vector>

#include "core/rng.hpp"
#include "microstructure/generator.hpp"

namespace mspipe::microstructure {

// One ESD from the truncated lognormal (redrawn outside the cut-offs).
double draw_esd(const GrainSizeParams& p, core::Rng& rng);

// ESDs drawn until their sphere volumes fill `box_volume`: the last draw is kept when
// that leaves the total closer to the box volume than stopping before it. At least one.
std::vector<double> draw_grain_esds(const GrainSizeParams& p, double box_volume, core::Rng& rng);

inline double sphere_volume(double esd) { return M_PI / 6.0 * esd * esd * esd; }

}  // namespace mspipe::microstructure
