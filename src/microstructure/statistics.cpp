#include "microstructure/statistics.hpp"

#include <cmath>

#include "microstructure/linalg3.hpp"

namespace mspipe::microstructure {

double esd_of_voxels(double voxels, double resolution) {
  return std::cbrt(6.0 * voxels / M_PI) * resolution;
}

namespace {

void drop_empty_grains(VolumeElement& ve, const std::vector<std::int64_t>& count) {
  std::vector<std::int32_t> remap(ve.grains.size(), -1);
  std::vector<Grain> kept;
  for (std::size_t g = 0; g < ve.grains.size(); ++g)
    if (count[g] > 0) {
      remap[g] = static_cast<std::int32_t>(kept.size());
      kept.push_back(ve.grains[g]);
    }
  if (kept.size() == ve.grains.size()) return;
  for (auto& id : ve.grain_id) id = remap[id];
  ve.grains = std::move(kept);
}

}  // namespace

void compute_statistics(VolumeElement& ve) {
  const int n = ve.size;
  const double l = n;
  {
    std::vector<std::int64_t> count(ve.grains.size(), 0);
    for (auto id : ve.grain_id) ++count[id];
    drop_empty_grains(ve, count);
  }
  const std::size_t ng = ve.grains.size();
  // First and second moments of the voxel centres about each seed, minimum image.
  std::vector<double> m0(ng, 0), m1(3 * ng, 0), m2(6 * ng, 0);
  std::size_t v = 0;
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x, ++v) {
        const auto g = static_cast<std::size_t>(ve.grain_id[v]);
        const auto& c = ve.grains[g].centre;
        double e[3] = {x + 0.5 - c[0], y + 0.5 - c[1], z + 0.5 - c[2]};
        for (double& ed : e) ed -= l * std::round(ed / l);
        m0[g] += 1;
        for (int d = 0; d < 3; ++d) m1[3 * g + d] += e[d];
        m2[6 * g + 0] += e[0] * e[0];
        m2[6 * g + 1] += e[1] * e[1];
        m2[6 * g + 2] += e[2] * e[2];
        m2[6 * g + 3] += e[0] * e[1];
        m2[6 * g + 4] += e[0] * e[2];
        m2[6 * g + 5] += e[1] * e[2];
      }

  double esd_sum = 0, aspect_sum = 0;
  int aspect_n = 0;
  for (std::size_t g = 0; g < ng; ++g) {
    auto& gr = ve.grains[g];
    gr.volume_voxels = m0[g];
    gr.esd = esd_of_voxels(m0[g], ve.resolution);
    esd_sum += gr.esd;
    const double k = 1.0 / m0[g];
    const double mx = m1[3 * g] * k, my = m1[3 * g + 1] * k, mz = m1[3 * g + 2] * k;
    const double* s = &m2[6 * g];
    const texture::Mat3 cov{{{s[0] * k - mx * mx, s[3] * k - mx * my, s[4] * k - mx * mz},
                             {s[3] * k - mx * my, s[1] * k - my * my, s[5] * k - my * mz},
                             {s[4] * k - mx * mz, s[5] * k - my * mz, s[2] * k - mz * mz}}};
    const auto ev = symmetric_eigenvalues(cov);
    // Semi-axes scale with the square roots of the covariance eigenvalues; the ratio of
    // the longest to the intermediate axis is 2 for a 2:1:1 grain and 1 for a sphere.
    gr.aspect_ratio = ev[1] > 0 ? std::sqrt(ev[2] / ev[1]) : 1.0;
    if (m0[g] >= 8) {
      aspect_sum += gr.aspect_ratio;
      ++aspect_n;
    }
  }
  ve.stats.mean_esd = ng ? esd_sum / ng : 0;
  ve.stats.mean_aspect_ratio = aspect_n ? aspect_sum / aspect_n : 1.0;

  // Distinct grains on the six boundary voxel layers.
  std::vector<int> mark(ng, -1);
  const auto idx = [n](int x, int y, int z) { return x + std::size_t(n) * (y + std::size_t(n) * z); };
  for (int face = 0; face < 6; ++face) {
    const int axis = face / 2, layer = face % 2 ? n - 1 : 0;
    int distinct = 0;
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) {
        const std::size_t i = axis == 0 ? idx(layer, a, b) : axis == 1 ? idx(a, layer, b) : idx(a, b, layer);
        const auto g = static_cast<std::size_t>(ve.grain_id[i]);
        if (mark[g] != face) {
          mark[g] = face;
          ++distinct;
        }
      }
    ve.stats.face_grains[face] = distinct;
  }
}

}  // namespace mspipe::microstructure
