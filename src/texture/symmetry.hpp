#pragma once
// Proper rotation groups of the crystal lattices, in DAMASK's operator order.
#include <span>
#include <string>
#include <string_view>

#include "texture/quaternion.hpp"

namespace mspipe::texture {

enum class Lattice { cubic, hexagonal };

Lattice parse_lattice(std::string_view name);  // "cubic" | "hexagonal" (also "cF", "hP", ...)
std::string_view lattice_name(Lattice l);

// 432 (24 operators) for cubic, 622 (12 operators) for hexagonal.
std::span<const Quat> symmetry_operators(Lattice l);

// The symmetrically equivalent orientations of q, one per operator, in operator order.
// The symmetry operator acts in the crystal frame: matrix(eq_k) = matrix(s_k) * matrix(q).
Quat equivalent(const Quat& q, const Quat& s);

}  // namespace mspipe::texture
