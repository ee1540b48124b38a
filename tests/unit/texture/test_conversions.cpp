#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "texture/quaternion.hpp"
#include "texture/sampling.hpp"

using namespace mspipe::texture;

namespace {
void expect_quat(const Quat& q, double w, double x, double y, double z, double tol = 1e-6) {
  EXPECT_NEAR(q.w, w, tol);
  EXPECT_NEAR(q.x, x, tol);
  EXPECT_NEAR(q.y, y, tol);
  EXPECT_NEAR(q.z, z, tol);
}
double quat_distance(const Quat& a, const Quat& b) { return 1.0 - std::fabs(a.dot(b)); }
}  // namespace

// Golden values: REFERENCE §A (DAMASK conventions, P = -1).
TEST(Bunge, CubeIsIdentity) { expect_quat(from_bunge_deg(0, 0, 0), 1, 0, 0, 0); }
TEST(Bunge, Goss) { expect_quat(from_bunge_deg(0, 45, 0), 0.923880, 0.382683, 0, 0); }
TEST(Bunge, Brass) { expect_quat(from_bunge_deg(35, 45, 0), 0.881120, 0.364972, 0.115075, 0.277816); }
TEST(Bunge, Copper) { expect_quat(from_bunge_deg(90, 35, 45), 0.364972, 0.277816, 0.115075, 0.881120); }

TEST(Bunge, RoundTripGeneric) {
  mspipe::core::Rng rng(1, 2, "bunge");
  for (int i = 0; i < 2000; ++i) {
    const Vec3 e{rng.uniform(0, 2 * M_PI), rng.uniform(0.01, M_PI - 0.01), rng.uniform(0, 2 * M_PI)};
    const Vec3 back = to_bunge(from_bunge(e));
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(std::remainder(back[k] - e[k], 2 * M_PI), 0.0, 1e-9);
  }
}

TEST(Bunge, DegenerateAnglesKeepTheRotation) {
  // Phi = 0: only phi1 + phi2 is defined; Phi = pi: only phi1 - phi2.
  for (const Vec3 e : {Vec3{0.3, 0, 0.4}, Vec3{0.3, M_PI, 0.4}, Vec3{6.0, 1e-14, 6.1}, Vec3{0, 0, 0}}) {
    const Quat q = from_bunge(e);
    const Vec3 back = to_bunge(q);
    EXPECT_LT(quat_distance(from_bunge(back), q), 1e-12);
    EXPECT_GE(back[0], 0.0);
    EXPECT_LT(back[0], 2 * M_PI);
    EXPECT_DOUBLE_EQ(back[2], 0.0);
  }
}

TEST(Bunge, AnglesBeyondTwoPiWrap) {
  const Vec3 back = to_bunge(from_bunge(2 * M_PI + 0.5, 0.7, 4 * M_PI + 0.25));
  EXPECT_NEAR(back[0], 0.5, 1e-12);
  EXPECT_NEAR(back[1], 0.7, 1e-12);
  EXPECT_NEAR(back[2], 0.25, 1e-12);
}

TEST(Matrix, PassiveConventionElement12) {
  const Quat q = from_bunge_deg(35, 45, 0);
  const Mat3 m = to_matrix(q);
  EXPECT_NEAR(m[0][1], 2 * (q.x * q.y + q.w * q.z), 1e-15);  // REFERENCE §A: om12
}

TEST(Matrix, RotationAboutZMapsLabXIntoCrystal) {
  // Passive rotation by phi1 about z: the lab x axis has crystal coordinates (cos, -sin, 0).
  const Mat3 m = to_matrix(from_bunge(0.3, 0, 0));
  EXPECT_NEAR(m[0][0], std::cos(0.3), 1e-15);
  EXPECT_NEAR(m[1][0], -std::sin(0.3), 1e-15);
}

TEST(Matrix, RoundTripAndComposition) {
  mspipe::core::Rng rng(3, 4, "matrix");
  for (int i = 0; i < 1000; ++i) {
    const Quat a = sample_uniform(rng), b = sample_uniform(rng);
    EXPECT_LT(quat_distance(from_matrix(to_matrix(a)), a), 1e-13);
    // matrix(a*b) = matrix(a) matrix(b): b is applied first.
    const Mat3 ab = to_matrix(multiply(a, b)), ma = to_matrix(a), mb = to_matrix(b);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        for (int k = 0; k < 3; ++k) s += ma[r][k] * mb[k][c];
        EXPECT_NEAR(ab[r][c], s, 1e-13);
      }
  }
}

TEST(AxisAngle, RoundTripAndIdentity) {
  mspipe::core::Rng rng(5, 6, "axis");
  for (int i = 0; i < 1000; ++i) {
    const Quat q = sample_uniform(rng);
    const AxisAngle a = to_axis_angle(q);
    EXPECT_GE(a.angle, 0.0);
    EXPECT_LE(a.angle, M_PI + 1e-15);
    EXPECT_LT(quat_distance(from_axis_angle(a.axis, a.angle), q), 1e-13);
  }
  const AxisAngle id = to_axis_angle(Quat{});
  EXPECT_EQ(id.angle, 0.0);
  EXPECT_EQ(id.axis[2], 1.0);
}

TEST(Rodrigues, RoundTripTinyAndHalfTurn) {
  const Quat tiny = normalised({1.0, 1e-12, -2e-12, 3e-12});
  EXPECT_LT(quat_distance(from_rodrigues(to_rodrigues(tiny)), tiny), 1e-15);
  const Quat half{0.0, 0.0, 0.0, 1.0};
  const Vec3 r = to_rodrigues(half);
  EXPECT_TRUE(std::isinf(r[2]));
  EXPECT_LT(quat_distance(from_rodrigues(r), half), 1e-15);
}

TEST(Quaternion, ProductSignConvention) {
  // P = -1: v = a0 b + b0 a - a x b. Two quarter turns about x then y.
  const Quat a = from_axis_angle({1, 0, 0}, M_PI / 2), b = from_axis_angle({0, 1, 0}, M_PI / 2);
  const Quat p = multiply(a, b);
  EXPECT_NEAR(p.z, -(a.x * b.y - a.y * b.x), 1e-15);
}
