#pragma once
// Periodic weighted tessellation of a cubic voxel grid. Voxel (i, j, k) has its centre at
// (i + 0.5, j + 0.5, k + 0.5) in voxel units and takes the site with the smallest
// weighted distance over the 27 periodic images of every site (ties: lowest site index).
//
//   ellipsoidal: score_i(p) = |B (p - s_i)|^2 / w_i^2   (w_i: the grain's radius)
//   laguerre:    score_i(p) = |B (p - s_i)|^2 - w_i     (w_i: the power weight, radius^2)
//
// B is one linear map shared by all sites (B = S^-1 Q: rotate into the grain axes, divide
// by the relative semi-axes; the identity for equiaxed grains).
//
// The search is exact but not brute force: the grid is cut into bins of a few voxels;
// per bin, bounds on every site's score over the bin (through the bin's bounding
// sphere) leave only the sites that can win somewhere inside, usually 2 to 6.
#include <cstdint>
#include <span>
#include <vector>

#include "microstructure/generator.hpp"
#include "texture/quaternion.hpp"

namespace mspipe::microstructure {

struct Site {
  texture::Vec3 position{};  // voxel units, any value (wrapped into [0, size))
  double weight = 1;         // radius (ellipsoidal) or power weight (laguerre)
};

// Grain ids (site indices) of every voxel, x fastest; out.size() == size^3.
// `bin` is the bin edge in voxels (0 picks one from the site density).
void tessellate(int size, std::span<const Site> sites, const texture::Mat3& metric, Tessellation kind,
                std::span<std::int32_t> out, int bin = 0);

// The definition, evaluated literally (every voxel, every site, 27 images): the
// reference that tests compare tessellate() with.
void tessellate_brute_force(int size, std::span<const Site> sites, const texture::Mat3& metric,
                            Tessellation kind, std::span<std::int32_t> out);

// B = diag(1/a) Q for relative semi-axes a (scaled to a unit-volume ellipsoid) and the
// axis orientation Q (lab -> grain axes).
texture::Mat3 shape_metric(const ShapeParams& shape);

}  // namespace mspipe::microstructure
