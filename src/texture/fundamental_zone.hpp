#pragma once
// Rodrigues fundamental zones and reduction to them, as DAMASK's Orientation.reduced:
// the first symmetric equivalent, in operator order, that lies in the fundamental zone.
#include <cstddef>
#include <span>

#include "texture/quaternion.hpp"
#include "texture/symmetry.hpp"

namespace mspipe::texture {

bool in_fundamental_zone(const Vec3& rodrigues, Lattice l);
bool in_fundamental_zone(const Quat& q, Lattice l);

// The reduced representative (w >= 0).
Quat reduce(const Quat& q, Lattice l);

// Batch reduction over n quaternions stored as (w, x, y, z) quadruples; in and out may
// alias. Vectorised and OpenMP-parallel.
void reduce(std::span<const double> in, std::span<double> out, Lattice l);

// Bunge angles (radians) <-> normalised [0, 1] by (2pi, pi, 2pi), as VE channels store them.
Vec3 normalise_euler(const Vec3& bunge);
Vec3 denormalise_euler(const Vec3& normalised);

}  // namespace mspipe::texture
