#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "texture/misorientation.hpp"
#include "texture/sampling.hpp"

using namespace mspipe::texture;

TEST(Uniform, MomentsOfShoemakeSampling) {
  // REFERENCE §A: mean q_i^2 = 1/4; mean angle pi/2 + 2/pi; (theta - sin theta)/pi ~ U(0,1).
  mspipe::core::Rng rng(31, 0, "uniform");
  const int n = 200000;
  double q2[4] = {0, 0, 0, 0}, angle_sum = 0, cdf_mean = 0;
  for (int i = 0; i < n; ++i) {
    const Quat q = sample_uniform(rng);
    q2[0] += q.w * q.w, q2[1] += q.x * q.x, q2[2] += q.y * q.y, q2[3] += q.z * q.z;
    const double t = angle(q);
    angle_sum += t;
    cdf_mean += (t - std::sin(t)) / M_PI;
  }
  for (double s : q2) EXPECT_NEAR(s / n, 0.25, 0.003);
  EXPECT_NEAR(angle_sum / n, M_PI / 2 + 2 / M_PI, 0.005);
  EXPECT_NEAR(cdf_mean / n, 0.5, 0.003);
}

TEST(Components, NamedComponentsAndUnknownName) {
  EXPECT_EQ(component_bunge_deg("brass").value(), (Vec3{35, 45, 0}));
  EXPECT_EQ(component_bunge_deg("goss").value(), (Vec3{0, 45, 0}));
  EXPECT_FALSE(component_bunge_deg("bras").has_value());
}

TEST(Components, SphericalScatterHasTheRequestedWidth) {
  // angle ~ |N(0, sigma)|: mean = sigma * sqrt(2/pi).
  mspipe::core::Rng rng(32, 0, "scatter");
  const Quat centre = from_bunge_deg(35, 45, 0);
  const double sigma = 2.0 * M_PI / 180.0;
  double mean = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) mean += 2.0 * std::acos(std::min(1.0, std::fabs(centre.dot(sample_component(centre, sigma, Scatter::spherical, rng)))));
  EXPECT_NEAR(mean / n, sigma * std::sqrt(2.0 / M_PI), 0.02 * sigma);
}

TEST(Components, PositiveEulerScatterKeepsCubeAnglesPositive) {
  mspipe::core::Rng rng(33, 0, "positive");
  for (int i = 0; i < 2000; ++i) {
    const double sigma = 2.0 * M_PI / 180.0;
    const Vec3 e = to_bunge(sample_component(from_bunge_deg(0, 0, 0), sigma, Scatter::positive_euler, rng));
    // Without the reflection about half of the phi1 and phi2 values would wrap to ~360°.
    EXPECT_LT(e[0], 10 * sigma);
    EXPECT_LT(e[1], 10 * sigma);
    EXPECT_LT(e[2], 10 * sigma);
  }
}

TEST(Rng, SameKeySameStreamDifferentKeyDifferentStream) {
  mspipe::core::Rng a(7, 4711, "grains"), b(7, 4711, "grains"), c(7, 4712, "grains"), d(7, 4711, "orient");
  for (int i = 0; i < 10; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    EXPECT_NE(x, c());
    EXPECT_NE(x, d());
  }
  mspipe::core::Rng e(1, 2, "below");
  for (int i = 0; i < 1000; ++i) EXPECT_LT(e.below(7), 7u);
}
