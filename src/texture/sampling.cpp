#include "texture/sampling.hpp"

#include <string>

namespace mspipe::texture {

Quat sample_uniform(core::Rng& rng) {
  // Shoemake (1992): uniform over the unit 3-sphere, hence over SO(3).
  const double u0 = rng.uniform(), u1 = rng.uniform(), u2 = rng.uniform();
  const double a = std::sqrt(u0), b = std::sqrt(1.0 - u0);
  return standardised({a * std::cos(2.0 * M_PI * u2), b * std::sin(2.0 * M_PI * u1),
                       b * std::cos(2.0 * M_PI * u1), a * std::sin(2.0 * M_PI * u2)});
}

std::optional<Vec3> component_bunge_deg(std::string_view name) {
  if (name == "brass") return Vec3{35, 45, 0};
  if (name == "copper") return Vec3{90, 35, 45};
  if (name == "cube") return Vec3{0, 0, 0};
  if (name == "goss") return Vec3{0, 45, 0};
  return std::nullopt;
}

Quat sample_component(const Quat& centre, double sigma, Scatter how, core::Rng& rng) {
  if (how == Scatter::spherical) {
    // Uniform axis (normal deviates, normalised) and angle |N(0, sigma)|, composed with
    // the centre in the crystal frame as a small misorientation.
    Vec3 axis{rng.normal(), rng.normal(), rng.normal()};
    const double angle = std::fabs(rng.normal()) * sigma;
    const Quat d = from_axis_angle(axis, angle);
    return standardised(multiply(d, centre));
  }
  // The paper's scheme: scatter each Bunge angle and reflect negatives so that angles
  // near 0 stay positive (a cube component does not wrap to 360 degrees).
  Vec3 e = to_bunge(centre);
  for (auto& a : e) a = std::fabs(a + rng.normal() * sigma);
  if (e[1] > M_PI) e[1] = 2.0 * M_PI - e[1];  // reflect at the pole as well
  return from_bunge(e);
}

}  // namespace mspipe::texture
