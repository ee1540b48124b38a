// Two-point statistics: the FFT correlation against the direct sum, analytic answers for
// an indicator field, S(0) = <f_a f_b>, and invariance under periodic translation.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/descriptors.hpp"
#include "core/rng.hpp"
#include "texture/sampling.hpp"
#include "ve_builders.hpp"

namespace {

using namespace mspipe;

std::size_t voxel(int n, int x, int y, int z) {
  const auto w = [n](int s) { return std::size_t((s % n + n) % n); };
  return w(x) + std::size_t(n) * (w(y) + std::size_t(n) * w(z));
}

TEST(TwoPoint, FftCorrelationEqualsTheDirectSumForEveryShift) {
  const int n = 4;
  core::Rng rng(2, 0, "fields");
  std::vector<double> a(64), b(64);
  for (int i = 0; i < 64; ++i) {
    a[i] = rng.normal();
    b[i] = rng.normal();
  }
  const auto s = analysis::periodic_correlation(a, b, n);
  for (int rz = 0; rz < n; ++rz)
    for (int ry = 0; ry < n; ++ry)
      for (int rx = 0; rx < n; ++rx) {
        double direct = 0;  // (1/V) sum_x a(x) b(x + r)
        for (int z = 0; z < n; ++z)
          for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
              direct += a[voxel(n, x, y, z)] * b[voxel(n, x + rx, y + ry, z + rz)];
        EXPECT_NEAR(s[voxel(n, rx, ry, rz)], direct / 64, 1e-13) << rx << ' ' << ry << ' ' << rz;
      }
}

TEST(TwoPoint, HalfSpaceIndicatorHasTheTriangleAutocorrelation) {
  // Indicator of x < n/2: volume fraction 1/2 at r = 0, overlap (n/2 - |r_x|)/n along x,
  // and unchanged by shifts along y and z.
  const int n = 8;
  std::vector<double> f(512);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) f[voxel(n, x, y, z)] = x < n / 2 ? 1.0 : 0.0;
  const auto s = analysis::periodic_correlation(f, f, n);
  EXPECT_NEAR(s[0], 0.5, 1e-14);
  for (int rx = -n / 2; rx <= n / 2; ++rx) {
    EXPECT_NEAR(s[voxel(n, rx, 0, 0)], (n / 2.0 - std::abs(rx)) / n, 1e-14) << rx;
    EXPECT_NEAR(s[voxel(n, rx, 3, 5)], (n / 2.0 - std::abs(rx)) / n, 1e-14) << rx;
  }
}

microstructure::VolumeElement random_grains(int n, int grains, std::uint64_t seed) {
  core::Rng rng(seed, 0, "grains");
  std::vector<texture::Quat> qs(grains);
  for (auto& q : qs) q = texture::sample_uniform(rng);
  auto ve = test_support::voxel_grains(n, qs);
  for (auto& g : ve.grain_id) g = std::int32_t(rng.uniform() * grains);  // uneven volumes
  return ve;
}

TEST(TwoPoint, ZeroShiftIsTheMeanProductOfTheFeatures) {
  const int n = 8;
  const auto ve = random_grains(n, 7, 3);
  const analysis::TwoPointOptions opt{.max_shift = 4, .step = 2};
  const auto shifts = analysis::two_point_shifts(n, opt);
  ASSERT_EQ(shifts, (std::vector<int>{-4, -2, 0, 2, 4}));
  const auto s = analysis::two_point_statistics(ve, cp::Bravais::hP, opt);
  ASSERT_EQ(s.size(), analysis::two_point_length(n, cp::Bravais::hP, opt));
  const std::size_t cube = 125, centre = 2 + 5 * (2 + 5 * 2);
  // Mean over voxels of f_a f_b, straight from the per-grain polynomials.
  const std::size_t nf = 4;
  std::size_t pair = 0;
  for (std::size_t a = 0; a < nf; ++a)
    for (std::size_t b = a; b < nf; ++b, ++pair) {
      double mean = 0;
      for (auto g : ve.grain_id) {
        const auto p = analysis::invariant_polynomials(
            analysis::load_axis_in_crystal(ve.grains[g].orientation), cp::Bravais::hP);
        mean += p[a] * p[b];
      }
      EXPECT_NEAR(s[pair * cube + centre], mean / double(ve.grain_id.size()), 1e-13)
          << a << ' ' << b;
    }
  EXPECT_EQ(pair * cube, s.size());
}

TEST(TwoPoint, PeriodicTranslationOfTheVeChangesNothing) {
  const int n = 8;
  const auto ve = random_grains(n, 9, 5);
  auto moved = ve;
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        moved.grain_id[voxel(n, x + 3, y + 1, z + 6)] = ve.grain_id[voxel(n, x, y, z)];
  ASSERT_NE(moved.grain_id, ve.grain_id);
  for (auto lattice : {cp::Bravais::cF, cp::Bravais::hP}) {
    const auto a = analysis::two_point_statistics(ve, lattice);
    const auto b = analysis::two_point_statistics(moved, lattice);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-14) << i;
  }
}

TEST(TwoPoint, CrossCorrelationsOfAnAnisotropicVeAreNotSymmetricInTheShift) {
  // S_ab(r) = S_ba(-r), but S_ab(r) != S_ab(-r) in general: the statistics keep the
  // direction of a shift, which a pair-symmetrised version would lose.
  const int n = 8;
  const auto ve = random_grains(n, 5, 8);
  const analysis::TwoPointOptions opt{.max_shift = 2, .step = 1};
  const auto s = analysis::two_point_statistics(ve, cp::Bravais::hP, opt);
  const std::size_t cube = 125;
  const auto at = [&](std::size_t pair, int x, int y, int z) {
    return s[pair * cube + std::size_t(x + 2) + 5 * (std::size_t(y + 2) + 5 * std::size_t(z + 2))];
  };
  EXPECT_NEAR(at(0, 1, 0, 0), at(0, -1, 0, 0), 1e-14);  // an autocorrelation is even
  EXPECT_GT(std::abs(at(1, 1, 0, 0) - at(1, -1, 0, 0)), 1e-6);
}

}  // namespace
