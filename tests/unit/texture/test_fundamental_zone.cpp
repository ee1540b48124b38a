#include <gtest/gtest.h>

#include <vector>

#include "core/rng.hpp"
#include "texture/fundamental_zone.hpp"
#include "texture/misorientation.hpp"
#include "texture/sampling.hpp"

using namespace mspipe::texture;

// EbsdLib's Rodrigues FZ test table (REFERENCE §A).
TEST(FundamentalZone, EbsdLibTable) {
  const std::vector<Vec3> r = {
      {0.55, 0.55, 0.20}, {0.55, 0.55, 0.35}, {0.55, 0.55, 0.5},  {0.55, 0.55, 0.75},
      {0, 0, 0.75},       {0, 0, 1.25},       {-0.25, -0.25, 0.20}, {-0.25, -0.25, 0.35},
      {-0.25, -0.25, 0.49}, {-0.25, -0.25, 0.75}, {-0.25, -0.25, 0.51}, {0, -1.25, 0.20},
      {0, -1.25, 0.35},   {0, -1.25, 0.5},    {0, -1.25, 0.75},   {0, -1.25, 1.25},
      {0.15, 0.30, 0},    {0.3, 0.6, 0},      {0.375, 0.75, 0},   {0.45, 0.90, 0},
      {0.4875, 0.975, 0}, {0, 1.1, 0}};
  const std::string hex = "TFFFFFTFFFFFFFFFTTTFFF";
  const std::string cub = "FFFFFFTTFFFFFFFFTFFFFF";
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(in_fundamental_zone(r[i], Lattice::hexagonal), hex[i] == 'T') << "row " << i;
    EXPECT_EQ(in_fundamental_zone(r[i], Lattice::cubic), cub[i] == 'T') << "row " << i;
    // The quaternion form of the test agrees with the Rodrigues form.
    EXPECT_EQ(in_fundamental_zone(from_rodrigues(r[i]), Lattice::cubic), cub[i] == 'T') << "row " << i;
  }
}

class Reduce : public ::testing::TestWithParam<Lattice> {};

TEST_P(Reduce, IsAnEquivalentInTheZoneIdempotentAndClosestToIdentity) {
  const Lattice l = GetParam();
  mspipe::core::Rng rng(11, 0, "reduce");
  for (int i = 0; i < 5000; ++i) {
    const Quat q = sample_uniform(rng);
    const Quat r = reduce(q, l);
    EXPECT_GE(r.w, 0.0);
    EXPECT_TRUE(in_fundamental_zone(r, l));
    // An equivalent: the symmetric misorientation to q is zero.
    EXPECT_LT(phi4_symmetric(q, r, l), 1e-12);
    // Idempotent.
    const Quat rr = reduce(r, l);
    EXPECT_LT(1.0 - std::fabs(rr.dot(r)), 1e-14);
    // Closest to identity: no equivalent has a larger |w|.
    for (const Quat& s : symmetry_operators(l))
      EXPECT_LE(std::fabs(equivalent(q, s).w), r.w + 1e-12);
  }
}

TEST_P(Reduce, IsTheFirstEquivalentInOperatorOrder) {
  // DAMASK's Orientation.reduced: the first equivalent, in operator order, in the FZ.
  const Lattice l = GetParam();
  mspipe::core::Rng rng(12, 0, "reduce-order");
  for (int i = 0; i < 2000; ++i) {
    const Quat q = sample_uniform(rng);
    Quat first{};
    for (const Quat& s : symmetry_operators(l)) {
      const Quat e = equivalent(q, s);
      if (in_fundamental_zone(e, l)) {
        first = e;
        break;
      }
    }
    const Quat r = reduce(q, l);
    EXPECT_NEAR(r.w, first.w, 1e-14);
    EXPECT_NEAR(r.x, first.x, 1e-14);
    EXPECT_NEAR(r.y, first.y, 1e-14);
    EXPECT_NEAR(r.z, first.z, 1e-14);
  }
}

TEST_P(Reduce, BatchEqualsSingle) {
  const Lattice l = GetParam();
  mspipe::core::Rng rng(13, 0, "batch");
  std::vector<double> in(4 * 1000), out(in.size());
  for (std::size_t i = 0; i < 1000; ++i) {
    const Quat q = sample_uniform(rng);
    in[4 * i] = q.w, in[4 * i + 1] = q.x, in[4 * i + 2] = q.y, in[4 * i + 3] = q.z;
  }
  reduce(in, out, l);
  for (std::size_t i = 0; i < 1000; ++i) {
    const Quat r = reduce({in[4 * i], in[4 * i + 1], in[4 * i + 2], in[4 * i + 3]}, l);
    EXPECT_EQ(out[4 * i], r.w);
    EXPECT_EQ(out[4 * i + 3], r.z);
  }
}

TEST_P(Reduce, FractionOfUniformOrientationsAlreadyInZone) {
  // 1/24 for cubic, 1/12 for hexagonal (REFERENCE §A).
  const Lattice l = GetParam();
  const double expected = l == Lattice::cubic ? 1.0 / 24 : 1.0 / 12;
  mspipe::core::Rng rng(14, 0, "fraction");
  const int n = 400000;
  int inside = 0;
  for (int i = 0; i < n; ++i) inside += in_fundamental_zone(sample_uniform(rng), l);
  const double f = double(inside) / n;
  EXPECT_NEAR(f, expected, 5 * std::sqrt(expected * (1 - expected) / n));
}

TEST_P(Reduce, EveryEquivalentReducesToTheSameRepresentative) {
  const Lattice l = GetParam();
  mspipe::core::Rng rng(15, 0, "equivalents");
  for (int i = 0; i < 500; ++i) {
    const Quat q = sample_uniform(rng);
    const Quat r = reduce(q, l);
    for (const Quat& s : symmetry_operators(l)) {
      const Quat r2 = reduce(equivalent(q, s), l);
      EXPECT_LT(1.0 - std::fabs(r2.dot(r)), 1e-13);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Lattices, Reduce, ::testing::Values(Lattice::cubic, Lattice::hexagonal),
                         [](const auto& info) { return std::string(lattice_name(info.param)); });

TEST(SymmetryOperators, AreUnitAndFormAGroup) {
  for (Lattice l : {Lattice::cubic, Lattice::hexagonal}) {
    const auto ops = symmetry_operators(l);
    EXPECT_EQ(ops.size(), l == Lattice::cubic ? 24u : 12u);
    for (const Quat& a : ops) {
      EXPECT_NEAR(a.norm(), 1.0, 1e-15);
      for (const Quat& b : ops) {
        const Quat p = multiply(a, b);
        bool found = false;
        for (const Quat& c : ops) found |= std::fabs(std::fabs(p.dot(c)) - 1.0) < 1e-12;
        EXPECT_TRUE(found);
      }
    }
  }
}

TEST(EulerBox, HexagonalBoxHoldsExactlyOneEquivalent) {
  // Symmetry in the crystal frame changes phi2: the box phi2 in [0, 60], Phi <= 90 holds
  // exactly one of the 12 equivalents; the cubic box [0,360)x[0,90]x[0,90] holds 3 of 24.
  mspipe::core::Rng rng(16, 0, "box");
  for (int i = 0; i < 2000; ++i) {
    const Quat q = sample_uniform(rng);
    int hex = 0, cub = 0;
    for (const Quat& s : symmetry_operators(Lattice::hexagonal)) {
      const Vec3 e = to_bunge(equivalent(q, s));
      hex += e[2] <= M_PI / 3 && e[1] <= M_PI / 2;
    }
    for (const Quat& s : symmetry_operators(Lattice::cubic)) {
      const Vec3 e = to_bunge(equivalent(q, s));
      cub += e[2] <= M_PI / 2 && e[1] <= M_PI / 2;
    }
    EXPECT_EQ(hex, 1);
    EXPECT_EQ(cub, 3);
  }
}

TEST(EulerNormalisation, RoundTripAndRange) {
  const Vec3 e{1.0, 2.0, 3.0};
  const Vec3 n = normalise_euler(e);
  EXPECT_NEAR(n[0], 1.0 / (2 * M_PI), 1e-15);
  EXPECT_NEAR(n[1], 2.0 / M_PI, 1e-15);
  const Vec3 b = denormalise_euler(n);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(b[k], e[k], 1e-15);
}
