#include "texture/symmetry.hpp"

#include <array>
#include <cmath>
#include <stdexcept>

namespace mspipe::texture {

namespace {
constexpr double r2 = 0.70710678118654752440;  // sqrt(2)/2
constexpr double r3 = 0.86602540378443864676;  // sqrt(3)/2

// DAMASK's operator lists (Kocks et al., Table II), in DAMASK's order; the order decides
// which equivalent `reduce` returns on fundamental-zone boundaries.
constexpr std::array<Quat, 24> kCubic = {{
    {1, 0, 0, 0},     {0, 1, 0, 0},      {0, 0, 1, 0},       {0, 0, 0, 1},
    {0, 0, r2, r2},   {0, 0, r2, -r2},   {0, r2, 0, r2},     {0, r2, 0, -r2},
    {0, r2, -r2, 0},  {0, -r2, -r2, 0},  {0.5, 0.5, 0.5, 0.5}, {-0.5, 0.5, 0.5, 0.5},
    {-0.5, 0.5, 0.5, -0.5}, {-0.5, 0.5, -0.5, 0.5}, {-0.5, -0.5, 0.5, 0.5}, {-0.5, -0.5, 0.5, -0.5},
    {-0.5, -0.5, -0.5, 0.5}, {-0.5, 0.5, -0.5, -0.5}, {-r2, 0, 0, r2}, {r2, 0, 0, r2},
    {-r2, 0, r2, 0},  {-r2, 0, -r2, 0},  {-r2, r2, 0, 0},    {-r2, -r2, 0, 0},
}};

constexpr std::array<Quat, 12> kHexagonal = {{
    {1, 0, 0, 0},    {-r3, 0, 0, -0.5}, {0.5, 0, 0, r3},    {0, 0, 0, 1},
    {-0.5, 0, 0, r3}, {-r3, 0, 0, 0.5}, {0, 1, 0, 0},       {0, -r3, 0.5, 0},
    {0, 0.5, -r3, 0}, {0, 0, 1, 0},     {0, -0.5, -r3, 0},  {0, r3, 0.5, 0},
}};
}  // namespace

Lattice parse_lattice(std::string_view name) {
  if (name == "cubic" || name == "cF" || name == "cI" || name == "cP") return Lattice::cubic;
  if (name == "hexagonal" || name == "hP") return Lattice::hexagonal;
  throw std::invalid_argument("unknown lattice '" + std::string(name) +
                              "' (expected cubic or hexagonal)");
}

std::string_view lattice_name(Lattice l) { return l == Lattice::cubic ? "cubic" : "hexagonal"; }

std::span<const Quat> symmetry_operators(Lattice l) {
  if (l == Lattice::cubic) return kCubic;
  return kHexagonal;
}

// DAMASK's Orientation.equivalent is `ops * rotation` with its P = -1 product: the
// operator acts after the lab -> crystal rotation, i.e. in the crystal frame.
Quat equivalent(const Quat& q, const Quat& s) { return standardised(multiply(s, q)); }

}  // namespace mspipe::texture
