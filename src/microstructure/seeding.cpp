#include "microstructure/seeding.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace mspipe::microstructure {

std::vector<texture::Vec3> place_seeds(int size, std::span<const double> radii, const texture::Mat3& b,
                                       core::Rng& rng, int candidates) {
  const std::size_t n = radii.size();
  const double l = size;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return radii[i] > radii[j]; });

  std::vector<texture::Vec3> pos(n);
  std::vector<std::size_t> placed;
  placed.reserve(n);
  for (std::size_t g : order) {
    texture::Vec3 best{};
    double best_sep = -1;
    for (int k = 0; k < candidates; ++k) {
      const texture::Vec3 p{rng.uniform() * l, rng.uniform() * l, rng.uniform() * l};
      double sep = std::numeric_limits<double>::infinity();
      for (std::size_t j : placed) {
        double e[3];
        for (int d = 0; d < 3; ++d) {
          e[d] = p[d] - pos[j][d];
          e[d] -= l * std::round(e[d] / l);  // nearest image per axis: a heuristic is enough here
        }
        double n2 = 0;
        for (int r = 0; r < 3; ++r) {
          const double u = b[r][0] * e[0] + b[r][1] * e[1] + b[r][2] * e[2];
          n2 += u * u;
        }
        sep = std::min(sep, std::sqrt(n2) / (radii[g] + radii[j]));
      }
      if (sep > best_sep) {
        best_sep = sep;
        best = p;
      }
      if (placed.empty()) break;  // the first grain goes anywhere
    }
    pos[g] = best;
    placed.push_back(g);
  }
  return pos;
}

}  // namespace mspipe::microstructure
