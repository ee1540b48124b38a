#include "texture/misorientation.hpp"

#include <algorithm>

namespace mspipe::texture {

namespace {
// max over symmetry operators of |a . (s * b)|: the cosine of half the smallest
// rotation between a and the equivalents of b. For the proper groups here, symmetrising
// one side suffices (the other side's operators are absorbed by the group).
double max_abs_dot(const Quat& a, const Quat& b, Lattice l) {
  double best = 0.0;
  for (const Quat& s : symmetry_operators(l)) best = std::max(best, std::fabs(a.dot(multiply(s, b))));
  return std::min(best, 1.0);
}
}  // namespace

double disorientation_angle(const Quat& a, const Quat& b, Lattice l) {
  return 2.0 * std::acos(max_abs_dot(a, b, l));
}

double phi4_symmetric(const Quat& a, const Quat& b, Lattice l) { return 1.0 - max_abs_dot(a, b, l); }

}  // namespace mspipe::texture
