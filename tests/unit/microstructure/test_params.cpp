#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "microstructure/generator.hpp"

using namespace mspipe;
using namespace mspipe::microstructure;

namespace {
GeneratorParams parse(const std::string& text) {
  auto cfg = core::Config::parse(text, "gen.toml");
  return parse_generator_params(cfg.root().section("generate"));
}

void expect_config_error(const std::string& text, const std::string& part) {
  try {
    parse(text);
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gen.toml:"), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(GeneratorParams, DefaultsAreThePapersTrainingSet) {
  const auto p = parse("[generate]\n");
  EXPECT_EQ(p.size, 64);
  EXPECT_EQ(p.resolution, 0.25);
  EXPECT_EQ(p.grain_size.mean_esd, 5.78);
  EXPECT_EQ(p.grain_size.sigma, 0.1);
  EXPECT_EQ(p.texture.kind, TextureKind::uniform);
  EXPECT_EQ(p.tessellation, Tessellation::ellipsoidal);
}

TEST(GeneratorParams, TomlRoundTrip) {
  const auto p = parse(R"([generate]
count = 12
size = 32
resolution = 0.5
lattice = "hexagonal"
tessellation = "laguerre"
output = "x.h5"
vti_ids = [1, 3]
[generate.grain_size]
mean_esd = 4.5
sigma = 0.2
min_cutoff = 3
max_cutoff = 4
[generate.shape]
axes = [2, 1, 1]
axis_bunge_deg = [10, 20, 30]
[generate.texture]
kind = "euler"
bunge_deg = [12.5, 30, 45]
scatter_deg = 3
scatter = "positive_euler"
)");
  const auto q = parse(to_toml(p));
  EXPECT_EQ(to_toml(q), to_toml(p));
  EXPECT_EQ(q.lattice, texture::Lattice::hexagonal);
  EXPECT_EQ(q.tessellation, Tessellation::laguerre);
  EXPECT_EQ(q.vti_ids, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(q.texture.component_bunge_deg[0], 12.5);
  EXPECT_EQ(q.texture.scatter, texture::Scatter::positive_euler);
  EXPECT_EQ(q.shape.axes[0], 2.0);
  EXPECT_EQ(q.grain_size.max_cutoff, 4.0);
}

TEST(GeneratorParams, EveryPresetParses) {
  const std::filesystem::path dir = std::filesystem::path(MSPIPE_SOURCE_DIR) / "inputs" / "generate";
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".toml") continue;
    std::ifstream in(f.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto cfg = core::Config::parse(ss.str(), f.path().string());
    EXPECT_NO_THROW(parse_generator_params(cfg.root().section("generate"))) << f.path();
    ++n;
  }
  EXPECT_EQ(n, 9);  // training, large, small, elongated, brass, copper, cube, goss, mg_training
}

TEST(GeneratorParams, BadValuesAreConfigErrors) {
  expect_config_error("[generate]\n[generate.grain_size]\nsigma = 0\n", "generate.grain_size.sigma");
  expect_config_error("[generate]\n[generate.grain_size]\nsigma = -0.1\n", "sigma");
  expect_config_error("[generate]\nsize = 3\n", "generate.size");
  expect_config_error("[generate]\nresolution = 0\n", "generate.resolution");
  expect_config_error("[generate]\n[generate.texture]\nkind = \"bras\"\n", "generate.texture.kind");
  expect_config_error("[generate]\nsize = 16\n", "grains larger than the box");
  expect_config_error("[generate]\nsise = 16\n", "sise");
  expect_config_error("[generate]\n[generate.shape]\naxes = [2, 1]\n", "generate.shape.axes");
  expect_config_error("[generate]\n[generate.texture]\nkind = \"euler\"\n", "bunge_deg");
  expect_config_error("[generate]\ncount = 3\nvti_ids = [3]\n", "vti_ids");
  expect_config_error("[generate]\nlattice = \"cubik\"\n", "generate.lattice");
}
