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

}  // namespace
}  // namespace mspipe::ml
