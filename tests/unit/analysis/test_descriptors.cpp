// Schmid factors and texture moments against analytic answers and symmetry invariances.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/descriptors.hpp"
#include "core/rng.hpp"
#include "texture/sampling.hpp"
#include "texture/symmetry.hpp"
#include "ve_builders.hpp"

namespace {

using namespace mspipe;
using analysis::Crystal;
using test_support::single_crystal;
using test_support::voxel_grains;

constexpr double kMgCa = 1.6235;

double named(const std::vector<std::string>& names, const std::vector<double>& values,
             const std::string& n) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == n) return values[i];
  ADD_FAILURE() << "no descriptor " << n;
  return NAN;
}

TEST(Schmid, CubicCrystalLoadedAlong001Has1OverSqrt6OnOctahedralSlip) {
  // (d.v)(n.v) for v = [001], n = (111)/sqrt3, d = [01-1]/sqrt2: 1/sqrt6 = 0.40825.
  const auto ve = single_crystal(4, {1, 0, 0, 0});
  const auto s = analysis::schmid_factors(ve, Crystal{cp::Bravais::cF});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NEAR(s[0], 1 / std::sqrt(6.0), 1e-12);
}

TEST(Schmid, HexagonalCrystalLoadedAlongCHasNoBasalPrismaticOrPyramidalAShear) {
  const auto ve = single_crystal(4, {1, 0, 0, 0});  // c || z
  const Crystal mg{cp::Bravais::hP, kMgCa};
  const auto names = analysis::schmid_family_names(mg.lattice);
  const auto s = analysis::schmid_factors(ve, mg);
  // Every <a> direction lies in the basal plane, normal to the load.
  EXPECT_NEAR(named(names, s, "schmid basal <a>"), 0.0, 1e-12);
  EXPECT_NEAR(named(names, s, "schmid prismatic <a>"), 0.0, 1e-12);
  EXPECT_NEAR(named(names, s, "schmid pyramidal <a>"), 0.0, 1e-12);
  EXPECT_GT(named(names, s, "schmid pyramidal <c+a> 2nd"), 0.4);
  // c-axis extension is what {10-12} twins accommodate and {10-11} twins oppose.
  const double tension = named(names, s, "schmid twin {10-12} tension");
  EXPECT_GT(tension, 0.45);
  EXPECT_LE(tension, 0.5);
  EXPECT_LT(named(names, s, "schmid twin {10-11} compression"), 0.0);
}

TEST(Schmid, HexagonalCrystalLoadedAlongA1HasRootThreeOverFourOnPrismaticSlip) {
  // Bunge (0, 90, 90): v = R z = (sin phi2 sin Phi, cos phi2 sin Phi, cos Phi) = a1.
  const auto q = texture::from_bunge_deg(0, 90, 90);
  const auto v = analysis::load_axis_in_crystal(q);
  EXPECT_NEAR(v[0], 1.0, 1e-12);
  const Crystal mg{cp::Bravais::hP, kMgCa};
  const auto names = analysis::schmid_family_names(mg.lattice);
  const auto s = analysis::schmid_factors(single_crystal(4, q), mg);
  // The prism plane 30 deg from a1 with its <a> direction 60 deg from a1: cos30 cos60.
  EXPECT_NEAR(named(names, s, "schmid prismatic <a>"), std::sqrt(3.0) / 4, 1e-12);
  EXPECT_NEAR(named(names, s, "schmid basal <a>"), 0.0, 1e-12);  // load in the basal plane
}

TEST(Schmid, VolumeWeightedOverGrains) {
  // 3/4 of the voxels c || z (basal 0), 1/4 with the load 45 deg from c in the (a1, c)
  // plane (basal factor of the best <a>: cos45 * cos45 * cos0 = 0.5).
  auto ve = voxel_grains(4, {{1, 0, 0, 0}, texture::from_bunge_deg(0, 45, 90)});
  for (std::size_t i = 0; i < ve.grain_id.size(); ++i) ve.grain_id[i] = i % 4 == 0 ? 1 : 0;
  const Crystal mg{cp::Bravais::hP, kMgCa};
  EXPECT_NEAR(analysis::schmid_factors(ve, mg)[0], 0.25 * 0.5, 1e-12);
}

TEST(TextureMoments, UniformTextureGivesTheSphereMoments) {
  // 20^3 grains of one voxel, uniform orientations: v is uniform on the sphere, so
  // <v3^2> = 1/3, <v3^4> = 1/5, <v3^6> = 1/7, <Re (v1+iv2)^6> = 0, <sum v^4> = 3/5,
  // <v1^2 v2^2 v3^2> = 1/105. Standard errors at 8000 draws: 0.0033, 0.0036, 0.0035,
  // 0.0079, 0.0011, 0.0002; tolerances are 5 of them.
  core::Rng rng(21, 0, "uniform");
  std::vector<texture::Quat> qs(8000);
  for (auto& q : qs) q = texture::sample_uniform(rng);
  const auto ve = voxel_grains(20, qs);
  const auto h = analysis::texture_moments(ve, cp::Bravais::hP);
  EXPECT_NEAR(h[0], 1.0 / 3, 0.017);
  EXPECT_NEAR(h[1], 1.0 / 5, 0.018);
  EXPECT_NEAR(h[2], 1.0 / 7, 0.018);
  EXPECT_NEAR(h[3], 0.0, 0.04);
  const auto c = analysis::texture_moments(ve, cp::Bravais::cF);
  EXPECT_NEAR(c[0], 3.0 / 5, 0.0055);
  EXPECT_NEAR(c[1], 1.0 / 105, 0.001);
}

TEST(TextureMoments, SingleCrystalAlongCIsOne) {
  const auto h = analysis::texture_moments(single_crystal(3, {1, 0, 0, 0}), cp::Bravais::hP);
  EXPECT_DOUBLE_EQ(h[0], 1.0);
  EXPECT_DOUBLE_EQ(h[1], 1.0);
}

// Every descriptor is a function of the orientation class: replacing each grain's
// orientation by a symmetric equivalent changes nothing.
void expect_symmetry_invariant(texture::Lattice lattice, cp::Bravais bravais) {
  core::Rng rng(4, 0, "sym");
  std::vector<texture::Quat> qs(27);
  for (auto& q : qs) q = texture::sample_uniform(rng);
  const auto ve = voxel_grains(3, qs);
  const Crystal crystal{bravais, kMgCa};
  const auto ref = analysis::descriptors(ve, crystal);
  for (const auto& s : texture::symmetry_operators(lattice)) {
    auto turned = ve;
    for (auto& g : turned.grains) g.orientation = texture::equivalent(g.orientation, s);
    const auto d = analysis::descriptors(turned, crystal);
    for (std::size_t k = 0; k < d.size(); ++k) EXPECT_NEAR(d[k], ref[k], 1e-12) << k;
  }
}

TEST(Descriptors, InvariantUnderTheCubicGroup) {
  expect_symmetry_invariant(texture::Lattice::cubic, cp::Bravais::cF);
}
TEST(Descriptors, InvariantUnderTheHexagonalGroup) {
  expect_symmetry_invariant(texture::Lattice::hexagonal, cp::Bravais::hP);
}

TEST(Descriptors, NamesMatchValuesAndBadGrainIdsAreRefused) {
  const Crystal mg{cp::Bravais::hP, kMgCa};
  auto ve = single_crystal(2, {1, 0, 0, 0});
  EXPECT_EQ(analysis::descriptor_names(mg).size(), analysis::descriptors(ve, mg).size());
  ve.grain_id[3] = 5;
  EXPECT_THROW(analysis::descriptors(ve, mg), std::invalid_argument);
  ve.grain_id.clear();
  EXPECT_THROW(analysis::texture_moments(ve, cp::Bravais::cF), std::invalid_argument);
}

}  // namespace
