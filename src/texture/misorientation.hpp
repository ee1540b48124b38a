#pragma once
#include "texture/quaternion.hpp"
#include "texture/symmetry.hpp"

namespace mspipe::texture {

// The paper's misorientation measure phi4 = 1 - |q1 . q2| (no symmetry), in [0, 1].
inline double phi4(const Quat& a, const Quat& b) { return 1.0 - std::fabs(a.dot(b)); }

// Disorientation: the smallest rotation angle (radians) between a and b over all
// symmetrically equivalent pairs, and the matching symmetric phi4 (1 - max |a . s b|).
double disorientation_angle(const Quat& a, const Quat& b, Lattice l);
double phi4_symmetric(const Quat& a, const Quat& b, Lattice l);

}  // namespace mspipe::texture
