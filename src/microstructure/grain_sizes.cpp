#include "microstructure/grain_sizes.hpp"

#include <cmath>

namespace mspipe::microstructure {

double draw_esd(const GrainSizeParams& p, core::Rng& rng) {
  const double mu = p.mu();
  for (;;) {
    const double z = rng.normal();
    if (z >= -p.min_cutoff && z <= p.max_cutoff) return std::exp(mu + p.sigma * z);
  }
}

std::vector<double> draw_grain_esds(const GrainSizeParams& p, double box_volume, core::Rng& rng) {
  std::vector<double> esd;
  double total = 0;
  for (;;) {
    const double d = draw_esd(p, rng);
    const double v = sphere_volume(d);
    if (total + v >= box_volume) {
      // Keep the grain if the overshoot is smaller than the gap it closes.
      if (esd.empty() || total + v - box_volume < box_volume - total) esd.push_back(d);
      return esd;
    }
    esd.push_back(d);
    total += v;
  }
}

}  // namespace mspipe::microstructure
