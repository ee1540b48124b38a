#include "microstructure/generator.hpp"

#include <cmath>

#include "core/rng.hpp"
#include "microstructure/grain_sizes.hpp"
#include "microstructure/seeding.hpp"
#include "microstructure/statistics.hpp"
#include "microstructure/tessellation.hpp"
#include "texture/fundamental_zone.hpp"

namespace mspipe::microstructure {

namespace {

texture::Quat draw_orientation(const TextureParams& t, core::Rng& rng) {
  if (t.kind == TextureKind::uniform) return texture::sample_uniform(rng);
  const auto& e = t.component_bunge_deg;
  const texture::Quat centre = texture::from_bunge_deg(e[0], e[1], e[2]);
  return texture::sample_component(centre, t.scatter_deg * M_PI / 180.0, t.scatter, rng);
}

}  // namespace

VolumeElement generate_ve(const GeneratorParams& p, std::uint64_t seed, std::int64_t id) {
  VolumeElement ve;
  generate_ve(p, seed, id, ve);
  return ve;
}

void generate_ve(const GeneratorParams& p, std::uint64_t seed, std::int64_t id, VolumeElement& ve) {
  const auto key = static_cast<std::uint64_t>(id);
  ve.id = id;
  ve.stats = {};
  ve.size = p.size;
  ve.resolution = p.resolution;

  // Sizes in physical units, then radii in voxels.
  const double box = p.size * p.resolution;
  core::Rng size_rng(seed, key, "grain_sizes");
  const auto esd = draw_grain_esds(p.grain_size, box * box * box, size_rng);
  std::vector<double> radius(esd.size());
  for (std::size_t g = 0; g < esd.size(); ++g) radius[g] = 0.5 * esd[g] / p.resolution;

  const texture::Mat3 metric = shape_metric(p.shape);
  core::Rng seed_rng(seed, key, "seed_positions");
  const auto centres = place_seeds(p.size, radius, metric, seed_rng);

  std::vector<Site> sites(esd.size());
  for (std::size_t g = 0; g < esd.size(); ++g)
    sites[g] = {centres[g], p.tessellation == Tessellation::ellipsoidal ? radius[g] : radius[g] * radius[g]};
  ve.grain_id.resize(static_cast<std::size_t>(ve.voxels()));
  tessellate(p.size, sites, metric, p.tessellation, ve.grain_id);

  // Orientations are drawn for every grain in index order, before empty grains are
  // dropped, so that a grain's orientation does not depend on its neighbours.
  core::Rng orientation_rng(seed, key, "orientations");
  ve.grains.assign(esd.size(), Grain{});
  for (std::size_t g = 0; g < esd.size(); ++g) {
    auto& gr = ve.grains[g];
    gr.orientation = texture::reduce(draw_orientation(p.texture, orientation_rng), p.lattice);
    gr.centre = centres[g];
    gr.target_esd = esd[g];
  }
  compute_statistics(ve);

  // Voxel Euler channels, normalised, channel-major (3, z, y, x).
  std::vector<std::array<float, 3>> grain_euler(ve.grains.size());
  for (std::size_t g = 0; g < ve.grains.size(); ++g) {
    const auto e = texture::normalise_euler(texture::to_bunge(ve.grains[g].orientation));
    grain_euler[g] = {static_cast<float>(e[0]), static_cast<float>(e[1]), static_cast<float>(e[2])};
  }
  const std::size_t nv = ve.grain_id.size();
  ve.euler.resize(3 * nv);
  for (std::size_t v = 0; v < nv; ++v) {
    const auto& e = grain_euler[static_cast<std::size_t>(ve.grain_id[v])];
    ve.euler[v] = e[0];
    ve.euler[nv + v] = e[1];
    ve.euler[2 * nv + v] = e[2];
  }
}

}  // namespace mspipe::microstructure
