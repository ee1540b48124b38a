#include <gtest/gtest.h>

#include <cmath>

#include "ml/phi4.hpp"

namespace mspipe::ml {
namespace {

torch::Tensor euler(double phi1, double Phi, double phi2) {
  return torch::tensor({phi1 / (2 * M_PI), Phi / M_PI, phi2 / (2 * M_PI)}, torch::kFloat64);
}

TEST(Phi4, GossIsTheReferenceQuaternion) {
  // REFERENCE.md §A: Bunge (0, 45, 0) deg -> q = (0.923880, 0.382683, 0, 0).
  auto q = quaternions_from_normalised_euler(euler(0, M_PI / 4, 0));
  EXPECT_NEAR(q[0].item<double>(), 0.923880, 1e-6);
  EXPECT_NEAR(q[1].item<double>(), 0.382683, 1e-6);
  EXPECT_NEAR(q[2].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(q[3].item<double>(), 0.0, 1e-12);
}

TEST(Phi4, RotationAboutZIsOneMinusCosHalfAngle) {
  // Two orientations differing by phi1 = theta share the axis z: |q1.q2| = cos(theta/2).
  for (double theta : {0.1, 1.0, 2.5}) {
    auto a = torch::zeros({1, 3, 2, 2, 2}), b = torch::zeros({1, 3, 2, 2, 2});
    a.select(1, 1).fill_(0.3);
    b.select(1, 1).fill_(0.3);
    a.select(1, 0).fill_(0.1);
    b.select(1, 0).fill_(0.1 + theta / (2 * M_PI));
    EXPECT_NEAR(phi4_per_ve(b, a)[0].item<double>(), 1 - std::cos(theta / 2), 1e-6);
  }
}

TEST(Phi4, IsZeroForIdenticalVesAndAveragesOverVoxels) {
  torch::manual_seed(7);
  auto x = torch::rand({3, 3, 4, 4, 4});
  auto zero = phi4_per_ve(x, x);
  EXPECT_LT(zero.abs().max().item<double>(), 1e-12);
  // Change half the voxels of VE 1 by a rotation about z of 1 rad: mean = half the value.
  auto y = x.clone();
  auto half = y[1][0].narrow(0, 0, 2);  // channel 0 (phi1), z < 2
  half.add_(1.0 / (2 * M_PI));
  auto v = phi4_per_ve(y, x);
  EXPECT_NEAR(v[1].item<double>(), 0.5 * (1 - std::cos(0.5)), 1e-6);
  EXPECT_NEAR(v[0].item<double>(), 0.0, 1e-12);
}

TEST(Phi4, BungeAnglesOfAQuaternionInvertTheForwardMap) {
  torch::manual_seed(11);
  // Angles away from Phi = 0 and pi, where phi1 and phi2 are each defined.
  auto e = torch::rand({200, 3}, torch::kFloat64);
  e.select(1, 1).mul_(0.98).add_(0.01);
  const auto q = quaternions_from_normalised_euler(e);
  // Length and sign do not matter: the direction is the orientation.
  for (double scale : {1.0, 2.5, -0.3}) {
    const auto back = normalised_euler_from_quaternions(scale * q);
    const auto d = (back - e).abs();
    EXPECT_LT(torch::minimum(d, 1 - d).max().item<double>(), 1e-12) << scale;  // phi1, phi2 modulo a turn
  }
  // Hand values: the identity; 180 deg about x is Bunge (0, 180, 0) deg; where Phi = 0 only
  // phi1 + phi2 is defined (here 90 deg about z), split evenly.
  const auto hand = normalised_euler_from_quaternions(torch::tensor(
      {{1.0, 0.0, 0.0, 0.0}, {0.0, 1.0, 0.0, 0.0}, {std::cos(M_PI / 4), 0.0, 0.0, std::sin(M_PI / 4)}}, torch::kFloat64));
  const auto expected = torch::tensor({{0.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.125, 0.0, 0.125}}, torch::kFloat64);
  EXPECT_LT((hand - expected).abs().max().item<double>(), 1e-12);
  // At Phi = 0 the angles still give the same orientation.
  const auto again = quaternions_from_normalised_euler(hand);
  EXPECT_NEAR(again[2][0].item<double>(), std::cos(M_PI / 4), 1e-12);
  EXPECT_NEAR(again[2][3].item<double>(), std::sin(M_PI / 4), 1e-12);
}

TEST(Phi4, QuaternionChannelsAndTheirPhi4AgreeWithTheAngles) {
  torch::manual_seed(12);
  const auto x = torch::rand({2, 3, 4, 4, 4}, torch::kFloat64);
  const auto q = quaternion_channels(x);
  ASSERT_EQ(q.sizes(), (std::vector<int64_t>{2, 4, 4, 4, 4}));
  EXPECT_LT((q.square().sum(1) - 1).abs().max().item<double>(), 1e-12);
  EXPECT_GE(q.select(1, 0).min().item<double>(), 0.0);
  // Any positive or negative multiple of q is the same orientation: phi4 = 0.
  EXPECT_LT(phi4_quaternion_voxels(-3.0 * q, q).abs().max().item<double>(), 1e-12);
  // For another output r, its phi4 is the metric's phi4 of r's Bunge angles.
  const auto r = torch::randn({2, 4, 4, 4, 4}, torch::kFloat64);
  const auto angles = normalised_euler_from_quaternions(r.movedim(1, -1)).movedim(-1, 1);
  EXPECT_LT((phi4_quaternion_voxels(r, q) - phi4_voxels(angles, x)).abs().max().item<double>(), 1e-12);
}

}  // namespace
}  // namespace mspipe::ml
