#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "texture/misorientation.hpp"
#include "texture/sampling.hpp"

using namespace mspipe::texture;

constexpr double kDeg = M_PI / 180.0;

// EMsoft's cubic disorientation pairs (REFERENCE §A).
TEST(Disorientation, EmsoftCubicPairs) {
  EXPECT_NEAR(disorientation_angle(from_bunge_deg(60, 45, 60), from_bunge_deg(60, 45, 0), Lattice::cubic) / kDeg,
              30.000, 1e-3);
  EXPECT_NEAR(disorientation_angle(from_bunge_deg(10, 20, 30), from_bunge_deg(40, 50, 60), Lattice::cubic) / kDeg,
              47.866, 1e-3);
}

TEST(Disorientation, SymmetricAndBoundedByTheZone) {
  mspipe::core::Rng rng(21, 0, "diso");
  for (int i = 0; i < 2000; ++i) {
    const Quat a = sample_uniform(rng), b = sample_uniform(rng);
    const double ab = disorientation_angle(a, b, Lattice::cubic);
    EXPECT_NEAR(ab, disorientation_angle(b, a, Lattice::cubic), 1e-9);
    EXPECT_LE(ab, 62.8 * kDeg);  // Mackenzie: the largest cubic disorientation is 62.8°
    EXPECT_LE(disorientation_angle(a, b, Lattice::hexagonal), 93.9 * kDeg);
  }
}

TEST(Phi4, PaperMeasureIsNotSymmetrised) {
  const Quat a = from_bunge_deg(0, 0, 0), b = from_bunge_deg(90, 0, 0);  // equivalent in cubic
  EXPECT_NEAR(phi4(a, b), 1.0 - std::cos(M_PI / 4), 1e-12);
  EXPECT_NEAR(phi4_symmetric(a, b, Lattice::cubic), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(phi4(a, a), 0.0);
}
