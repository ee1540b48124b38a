// Invariances of the periodic weighted tessellation (REFERENCE.md section B, the tests
// DAMASK runs on its own tessellations) and agreement with DAMASK's reference geometry.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/rng.hpp"
#include "io/vti.hpp"
#include "microstructure/tessellation.hpp"

using namespace mspipe;
using namespace mspipe::microstructure;
namespace fs = std::filesystem;

namespace {
const texture::Mat3 kIdentity{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};

std::vector<Site> random_sites(int n, int size, double w_lo, double w_hi, std::uint64_t key) {
  core::Rng rng(7, key, "test_sites");
  std::vector<Site> s(n);
  for (auto& site : s) {
    site.position = {rng.uniform() * size, rng.uniform() * size, rng.uniform() * size};
    site.weight = rng.uniform(w_lo, w_hi);
  }
  return s;
}

std::vector<std::int32_t> run(int size, const std::vector<Site>& s, const texture::Mat3& m, Tessellation k, int bin = 0) {
  std::vector<std::int32_t> out(std::size_t(size) * size * size, -1);
  tessellate(size, s, m, k, out, bin);
  return out;
}

std::vector<std::int32_t> brute(int size, const std::vector<Site>& s, const texture::Mat3& m, Tessellation k) {
  std::vector<std::int32_t> out(std::size_t(size) * size * size, -1);
  tessellate_brute_force(size, s, m, k, out);
  return out;
}
}  // namespace

TEST(Tessellation, EqualWeightsReproduceDamaskPeriodicVoronoi) {
  // DAMASK reference case B: 20 seeds, 16^3 cells of 1 um, periodic Voronoi.
  const fs::path data = fs::path(MSPIPE_TEST_DATA_DIR) / "microstructure";
  std::ifstream in(data / "damask_B_seeds.txt");
  std::vector<Site> sites;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    Site s;
    ss >> s.position[0] >> s.position[1] >> s.position[2];
    for (auto& x : s.position) x /= 1e-6;  // metres -> voxel units
    s.weight = 1.7;
    sites.push_back(s);
  }
  ASSERT_EQ(sites.size(), 20u);
  const auto img = io::vti::read(data / "damask_B_geom.vti");
  const auto& reference = img.get("material", "damask_B_geom.vti").as_int32("damask_B_geom.vti");
  EXPECT_EQ(run(16, sites, kIdentity, Tessellation::ellipsoidal), reference);
  EXPECT_EQ(run(16, sites, kIdentity, Tessellation::laguerre), reference);
  for (auto& s : sites) s.weight = 0.3;  // any equal weight
  EXPECT_EQ(run(16, sites, kIdentity, Tessellation::laguerre), reference);
}

TEST(Tessellation, CellSearchAgreesWithBruteForceOver27Images) {
  const auto elongated = shape_metric({{2, 1, 1}, {30, 40, 10}});
  for (auto kind : {Tessellation::ellipsoidal, Tessellation::laguerre}) {
    for (const auto* m : {&kIdentity, &elongated}) {
      const int size = 20;
      // Radii 2..5 voxels; Laguerre weights are radii squared.
      auto sites = random_sites(30, size, 2, 5, 1 + int(kind));
      if (kind == Tessellation::laguerre)
        for (auto& s : sites) s.weight *= s.weight;
      const auto ref = brute(size, sites, *m, kind);
      for (int bin : {0, 1, 3, 7, 32}) EXPECT_EQ(run(size, sites, *m, kind, bin), ref) << "bin " << bin;
    }
  }
}

TEST(Tessellation, CellSearchAgreesWithBruteForceForExtremeWeightsAndShapes) {
  // Laguerre weights spread so far that some sites own no voxel, ellipsoidal radii 1:10,
  // and a 5:1:1 shape at an oblique angle.
  const auto needle = shape_metric({{5, 1, 1}, {17, 63, 141}});
  for (std::uint64_t key = 10; key < 14; ++key) {
    const int size = 17;  // odd: bins of unequal size at the edge
    auto lag = random_sites(40, size, 0, 60, key);
    const auto ref_lag = brute(size, lag, kIdentity, Tessellation::laguerre);
    EXPECT_EQ(run(size, lag, kIdentity, Tessellation::laguerre), ref_lag);
    EXPECT_EQ(run(size, lag, needle, Tessellation::laguerre), brute(size, lag, needle, Tessellation::laguerre));
    auto mw = random_sites(40, size, 0.5, 5, key + 100);
    EXPECT_EQ(run(size, mw, needle, Tessellation::ellipsoidal), brute(size, mw, needle, Tessellation::ellipsoidal));
  }
}

TEST(Tessellation, TiesGoToTheLowestSiteIndex) {
  // Sites on a lattice of voxel centres: many voxels are equidistant from several sites.
  std::vector<Site> sites;
  for (int z = 0; z < 3; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 3; ++x) sites.push_back({{x * 4 + 0.5, y * 4 + 0.5, z * 4 + 0.5}, 1.0});
  std::reverse(sites.begin(), sites.end());  // index order differs from position order
  for (auto kind : {Tessellation::ellipsoidal, Tessellation::laguerre}) {
    const auto ref = brute(12, sites, kIdentity, kind);
    EXPECT_EQ(run(12, sites, kIdentity, kind), ref);
    // The voxel centred between sites 26 (at 0.5) and 25 (at 4.5) along x goes to 25.
    EXPECT_EQ(ref[2], 25);
  }
}

TEST(Tessellation, AddingAConstantToLaguerreWeightsChangesNothing) {
  auto sites = random_sites(25, 18, 4, 20, 3);
  const auto ref = run(18, sites, kIdentity, Tessellation::laguerre);
  for (auto& s : sites) s.weight += 37.0;
  EXPECT_EQ(run(18, sites, kIdentity, Tessellation::laguerre), ref);
  for (auto& s : sites) s.weight -= 137.0;  // negative power weights are fine too
  EXPECT_EQ(run(18, sites, kIdentity, Tessellation::laguerre), ref);
}

TEST(Tessellation, ScalingAllMultiplicativeWeightsChangesNothing) {
  // The multiplicative counterpart of the additive invariance.
  auto sites = random_sites(25, 18, 1, 3, 4);
  const auto ref = run(18, sites, kIdentity, Tessellation::ellipsoidal);
  for (auto& s : sites) s.weight *= 4.0;  // a power of two: the scaled scores round identically
  EXPECT_EQ(run(18, sites, kIdentity, Tessellation::ellipsoidal), ref);
}

TEST(Tessellation, OneOverwhelmingWeightTakesTheGrid) {
  for (auto kind : {Tessellation::ellipsoidal, Tessellation::laguerre}) {
    auto sites = random_sites(12, 16, 1, 2, 5);
    sites[7].weight = 1e6;
    const auto ids = run(16, sites, kIdentity, kind);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), 7), 16 * 16 * 16);
  }
}

TEST(Tessellation, TwoEqualGrainsSplitTheBoxInHalf) {
  const int n = 16;
  const std::vector<Site> sites = {{{4.0, 8.0, 8.0}, 1.0}, {{12.0, 8.0, 8.0}, 1.0}};
  for (auto kind : {Tessellation::ellipsoidal, Tessellation::laguerre}) {
    const auto ids = run(n, sites, kIdentity, kind);
    for (int z = 0; z < n; ++z)
      for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) EXPECT_EQ(ids[x + n * (y + n * z)], x < 8 ? 0 : 1) << x << " " << y << " " << z;
  }
}

TEST(Tessellation, ShiftingAllSeedsByWholeVoxelsRollsTheGrid) {
  const int n = 20;
  const auto metric = shape_metric({{2, 1, 1}, {0, 0, 0}});
  auto sites = random_sites(15, n, 2, 4, 6);
  const auto ref = run(n, sites, metric, Tessellation::ellipsoidal);
  const int sx = 3, sy = -5, sz = 11;
  for (auto& s : sites) {
    s.position[0] += sx;
    s.position[1] += sy;
    s.position[2] += sz;
  }
  const auto rolled = run(n, sites, metric, Tessellation::ellipsoidal);
  const auto mod = [n](int a) { return ((a % n) + n) % n; };
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        ASSERT_EQ(rolled[mod(x + sx) + n * (mod(y + sy) + n * mod(z + sz))], ref[x + n * (y + n * z)]);
}

TEST(Tessellation, ShapeMetricHasUnitVolumeAndLongAxisAlongX) {
  const auto b = shape_metric({{2, 1, 1}, {0, 0, 0}});
  // |B e_x| is smallest: distances along the long axis count least.
  EXPECT_NEAR(b[0][0] * 2, b[1][1], 1e-12);
  EXPECT_NEAR(b[0][0] * b[1][1] * b[2][2], 1.0, 1e-12);  // det B = 1: same volume as the sphere
}
