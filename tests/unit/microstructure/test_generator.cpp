#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "microstructure/generator.hpp"
#include "microstructure/grain_sizes.hpp"
#include "microstructure/statistics.hpp"
#include "texture/fundamental_zone.hpp"

using namespace mspipe;
using namespace mspipe::microstructure;

namespace {
GeneratorParams small_params() {
  GeneratorParams p;
  p.size = 24;
  p.resolution = 0.5;  // a 12-unit box: about 9 grains of mean ESD 5.78
  return p;
}
}  // namespace

TEST(Generator, VeDependsOnlyOnSeedIdAndParameters) {
  const auto p = small_params();
  const auto a = generate_ve(p, 11, 5);
  const auto b = generate_ve(p, 11, 5);
  EXPECT_EQ(a.grain_id, b.grain_id);
  EXPECT_EQ(a.euler, b.euler);
  EXPECT_NE(generate_ve(p, 11, 6).grain_id, a.grain_id);
  EXPECT_NE(generate_ve(p, 12, 5).grain_id, a.grain_id);
  // Generating other VEs first changes nothing (no hidden state).
  (void)generate_ve(p, 11, 99);
  EXPECT_EQ(generate_ve(p, 11, 5).euler, a.euler);
}

TEST(Generator, GrainIdsAreContiguousAndEveryGrainHasVoxels) {
  for (std::int64_t id = 0; id < 5; ++id) {
    const auto ve = generate_ve(small_params(), 3, id);
    ASSERT_EQ(ve.grain_id.size(), 24u * 24 * 24);
    std::vector<std::int64_t> count(ve.grains.size(), 0);
    for (auto g : ve.grain_id) {
      ASSERT_GE(g, 0);
      ASSERT_LT(g, static_cast<std::int32_t>(ve.grains.size()));
      ++count[g];
    }
    double total = 0;
    for (std::size_t g = 0; g < count.size(); ++g) {
      EXPECT_GT(count[g], 0);
      EXPECT_EQ(ve.grains[g].volume_voxels, count[g]);
      EXPECT_NEAR(ve.grains[g].esd, std::cbrt(6.0 * count[g] / M_PI) * 0.5, 1e-12);
      total += ve.grains[g].volume_voxels;
    }
    EXPECT_EQ(total, 24.0 * 24 * 24);
  }
}

TEST(Generator, EulerChannelsHoldEachGrainsReducedOrientation) {
  for (auto lattice : {texture::Lattice::cubic, texture::Lattice::hexagonal}) {
    auto p = small_params();
    p.lattice = lattice;
    const auto ve = generate_ve(p, 8, 1);
    const std::size_t n = ve.grain_id.size();
    ASSERT_EQ(ve.euler.size(), 3 * n);
    for (const auto& g : ve.grains) {
      EXPECT_TRUE(texture::in_fundamental_zone(g.orientation, lattice));
      EXPECT_GE(g.orientation.w, 0.0);
    }
    for (std::size_t v = 0; v < n; v += 7) {
      const auto& q = ve.grains[ve.grain_id[v]].orientation;
      const auto e = texture::normalise_euler(texture::to_bunge(q));
      for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(ve.euler[c * n + v], static_cast<float>(e[c]));
        EXPECT_GE(ve.euler[c * n + v], 0.0f);
        EXPECT_LE(ve.euler[c * n + v], 1.0f);
      }
      // The stored angles decode to the same orientation.
      const auto back = texture::from_bunge(texture::denormalise_euler({ve.euler[v], ve.euler[n + v], ve.euler[2 * n + v]}));
      EXPECT_GT(std::fabs(back.dot(q)), 1 - 1e-6);
    }
  }
}

TEST(Generator, FaceCountsMatchTheBoundaryLayers) {
  const auto ve = generate_ve(small_params(), 4, 2);
  const int n = ve.size;
  for (int face = 0; face < 6; ++face) {
    std::set<std::int32_t> seen;
    const int axis = face / 2, layer = face % 2 ? n - 1 : 0;
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) {
        int c[3];
        c[axis] = layer;
        c[(axis + 1) % 3] = a;
        c[(axis + 2) % 3] = b;
        seen.insert(ve.grain_id[c[0] + n * (c[1] + n * c[2])]);
      }
    EXPECT_EQ(ve.stats.face_grains[face], static_cast<std::int32_t>(seen.size())) << "face " << face;
  }
}

TEST(Statistics, AspectRatioOfAnEllipsoidalGrainIsItsAxisRatio) {
  // A 2:1:1 ellipsoid (semi-axes 12, 6, 6 voxels, long axis along y) across the periodic
  // boundary, the rest of the box a second grain.
  VolumeElement ve;
  ve.size = 40;
  ve.resolution = 1;
  ve.grain_id.assign(40 * 40 * 40, 1);
  const texture::Vec3 c{3.0, 20.0, 38.5};
  for (int z = 0; z < 40; ++z)
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 40; ++x) {
        double e[3] = {x + 0.5 - c[0], y + 0.5 - c[1], z + 0.5 - c[2]};
        for (double& d : e) d -= 40 * std::round(d / 40);
        if (e[0] * e[0] / 36 + e[1] * e[1] / 144 + e[2] * e[2] / 36 <= 1) ve.grain_id[x + 40 * (y + 40 * z)] = 0;
      }
  ve.grains.resize(2);
  ve.grains[0].centre = c;
  ve.grains[1].centre = {23.0, 0.0, 18.5};
  compute_statistics(ve);
  EXPECT_NEAR(ve.grains[0].aspect_ratio, 2.0, 0.05);
  EXPECT_NEAR(ve.grains[0].volume_voxels, 4.0 / 3.0 * M_PI * 12 * 6 * 6, 40);
}

TEST(GrainSizes, LognormalWithDream3dMeanAndCutoffs) {
  GrainSizeParams p;  // mean 5.78, sigma 0.1
  EXPECT_NEAR(p.mu(), 1.75, 0.002);  // REFERENCE.md section B
  core::Rng rng(1, 2, "test");
  double sum = 0, sum_log = 0, sum_log2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double d = draw_esd(p, rng);
    sum += d;
    sum_log += std::log(d);
    sum_log2 += std::log(d) * std::log(d);
  }
  EXPECT_NEAR(sum / n, 5.78, 5.78 * 0.002);
  const double var = sum_log2 / n - (sum_log / n) * (sum_log / n);
  EXPECT_NEAR(std::sqrt(var), 0.1, 0.002);
  p.min_cutoff = p.max_cutoff = 1.0;
  for (int i = 0; i < 10000; ++i) {
    const double d = draw_esd(p, rng);
    ASSERT_GE(d, p.min_esd());
    ASSERT_LE(d, p.max_esd());
  }
}

TEST(GrainSizes, DrawnGrainsFillTheBox) {
  GrainSizeParams p;
  p.sigma = 0.3;
  core::Rng rng(3, 4, "test");
  for (int k = 0; k < 20; ++k) {
    const double box = 16.0 * 16 * 16;
    core::Rng replay = rng;  // the same stream, to see the draw that was not kept
    const auto esd = draw_grain_esds(p, box, rng);
    double before_last = 0;
    for (std::size_t i = 0; i + 1 < esd.size(); ++i) {
      ASSERT_EQ(draw_esd(p, replay), esd[i]);
      before_last += sphere_volume(esd[i]);
    }
    ASSERT_EQ(draw_esd(p, replay), esd.back());
    const double total = before_last + sphere_volume(esd.back());
    EXPECT_LT(before_last, box);  // grains are drawn while the box is not full
    if (total < box) {
      // The next draw overshot by more than the gap it would have closed.
      const double next = sphere_volume(draw_esd(p, replay));
      EXPECT_GE(total + next - box, box - total);
    } else {
      EXPECT_LE(total - box, box - before_last);  // keeping the last one was the closer choice
    }
  }
}
