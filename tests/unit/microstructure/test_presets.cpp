// The presets of inputs/generate deliver what they promise, over 50 VEs each: mean ESD
// within 5 % of the target (every preset), the elongated set's aspect ratio within 10 % of 2, texture
// components' mean orientation within 1 degree of the component.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "microstructure/generator.hpp"
#include "texture/misorientation.hpp"
#include "texture/symmetry.hpp"

using namespace mspipe;
using namespace mspipe::microstructure;

namespace {
constexpr int kVes = 50;

struct Preset {
  GeneratorParams params;
  std::uint64_t seed = 0;
};

Preset load(const std::string& name) {
  const auto file = std::filesystem::path(MSPIPE_SOURCE_DIR) / "inputs" / "generate" / (name + ".toml");
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto cfg = core::Config::parse(ss.str(), file.string());
  Preset p;
  p.params = parse_generator_params(cfg.root().section("generate"));
  p.seed = static_cast<std::uint64_t>(cfg.root().section("run").integer("seed"));
  return p;
}

struct Sample {
  std::vector<Grain> grains;
  double mean_aspect = 0;  // mean over VEs of the per-VE mean
};

Sample sample(const Preset& p) {
  Sample s;
  for (std::int64_t id = 0; id < kVes; ++id) {
    auto ve = generate_ve(p.params, p.seed, id);
    s.grains.insert(s.grains.end(), ve.grains.begin(), ve.grains.end());
    s.mean_aspect += ve.stats.mean_aspect_ratio / kVes;
  }
  return s;
}

double mean_esd(const Sample& s) {
  double sum = 0;
  for (const auto& g : s.grains) sum += g.esd;
  return sum / static_cast<double>(s.grains.size());
}

// Mean orientation about `centre`: each grain's symmetric equivalent nearest the centre,
// on the centre's hemisphere, averaged and normalised.
texture::Quat mean_orientation(const std::vector<Grain>& grains, const texture::Quat& centre, texture::Lattice l) {
  double acc[4] = {0, 0, 0, 0};
  for (const auto& g : grains) {
    texture::Quat best = g.orientation;
    double best_dot = -1;
    for (const auto& op : texture::symmetry_operators(l)) {
      const auto q = texture::equivalent(g.orientation, op);
      if (std::fabs(q.dot(centre)) > best_dot) {
        best_dot = std::fabs(q.dot(centre));
        best = q.dot(centre) < 0 ? texture::Quat{-q.w, -q.x, -q.y, -q.z} : q;
      }
    }
    acc[0] += best.w;
    acc[1] += best.x;
    acc[2] += best.y;
    acc[3] += best.z;
  }
  return texture::normalised({acc[0], acc[1], acc[2], acc[3]});
}
}  // namespace

class PresetSizes : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetSizes, MeanEsdWithinFivePercentOfTarget) {
  const auto p = load(GetParam());
  const auto s = sample(p);
  const double target = p.params.grain_size.mean_esd;
  std::printf("%s: %zu grains, mean ESD %.4f (target %.4f), mean aspect ratio %.3f\n", GetParam().c_str(),
              s.grains.size(), mean_esd(s), target, s.mean_aspect);
  EXPECT_NEAR(mean_esd(s), target, 0.05 * target) << GetParam() << ": " << s.grains.size() << " grains";
  if (GetParam() == "elongated") {
    EXPECT_NEAR(s.mean_aspect, 2.0, 0.2);
  } else {
    EXPECT_LT(s.mean_aspect, 1.4) << "equiaxed grains";  // voxelised polyhedra are not spheres
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, PresetSizes,
                         ::testing::Values("training", "large", "small", "elongated", "mg_training"));

class PresetTextures : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetTextures, MeanOrientationWithinOneDegreeOfComponent) {
  const auto p = load(GetParam());
  const auto& t = p.params.texture;
  ASSERT_EQ(t.kind, TextureKind::component);
  const auto centre = texture::from_bunge_deg(t.component_bunge_deg[0], t.component_bunge_deg[1], t.component_bunge_deg[2]);
  const auto s = sample(p);
  const double target = p.params.grain_size.mean_esd;
  EXPECT_NEAR(mean_esd(s), target, 0.05 * target) << GetParam();
  const auto mean = mean_orientation(s.grains, centre, p.params.lattice);
  const double off_deg = texture::disorientation_angle(mean, centre, p.params.lattice) * 180 / M_PI;
  EXPECT_LT(off_deg, 1.0) << GetParam();
  std::printf("%s: mean orientation %.3f deg from the component\n", GetParam().c_str(), off_deg);
  // Spherical scatter: angle |N(0, sigma)| has mean sigma sqrt(2/pi).
  double spread = 0;
  for (const auto& g : s.grains) spread += texture::disorientation_angle(g.orientation, centre, p.params.lattice);
  spread = spread / static_cast<double>(s.grains.size()) * 180 / M_PI;
  EXPECT_NEAR(spread, t.scatter_deg * std::sqrt(2 / M_PI), 0.1 * t.scatter_deg) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Presets, PresetTextures, ::testing::Values("brass", "copper", "cube", "goss"));

TEST(PositiveEulerScatter, KeepsComponentsAwayFromZeroAnglesCentred) {
  // The paper's sampling reflects each Bunge angle at 0: copper (90, 35, 45) has no angle
  // near 0 and stays centred; cube's three zero angles all move the same way, so its
  // mean is shifted by a couple of degrees (documented in the presets).
  auto copper = load("copper");
  copper.params.texture.scatter = texture::Scatter::positive_euler;
  const auto& e = copper.params.texture.component_bunge_deg;
  const auto c = texture::from_bunge_deg(e[0], e[1], e[2]);
  const auto sc = sample(copper);
  EXPECT_LT(texture::disorientation_angle(mean_orientation(sc.grains, c, copper.params.lattice), c,
                                          copper.params.lattice) * 180 / M_PI, 1.0);
  auto cube = load("cube");
  cube.params.texture.scatter = texture::Scatter::positive_euler;
  const auto identity = texture::Quat{};
  const auto su = sample(cube);
  const double shift = texture::disorientation_angle(mean_orientation(su.grains, identity, cube.params.lattice),
                                                     identity, cube.params.lattice) * 180 / M_PI;
  std::printf("positive_euler cube: mean shifted by %.2f deg\n", shift);
  EXPECT_GT(shift, 1.0);
  EXPECT_LT(shift, 6.0);
}
