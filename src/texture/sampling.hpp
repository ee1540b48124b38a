#pragma once
// Random orientations: uniform over SO(3) (Shoemake) and texture components with an
// angular scatter.
#include <optional>
#include <string_view>

#include "core/rng.hpp"
#include "texture/quaternion.hpp"

namespace mspipe::texture {

// Uniform over SO(3), w >= 0.
Quat sample_uniform(core::Rng& rng);

// Named components, Bunge degrees: brass (35,45,0), copper (90,35,45), cube (0,0,0),
// goss (0,45,0). Returns nullopt for an unknown name.
std::optional<Vec3> component_bunge_deg(std::string_view name);

enum class Scatter {
  spherical,      // DAMASK: uniform axis, angle |N(0, sigma)|, applied to the centre
  positive_euler  // the paper: each Bunge angle + N(0, sigma), reflected to stay >= 0
};

// An orientation scattered about `centre` with angular width sigma (radians).
Quat sample_component(const Quat& centre, double sigma, Scatter how, core::Rng& rng);

}  // namespace mspipe::texture
