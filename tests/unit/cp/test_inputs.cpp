// The shipped material files (inputs/cp/*.toml) and DAMASK's material.yaml of the
// reference cases describe the same phases as the built-in presets.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "cp/damask/damask_files.hpp"
#include "cp/simulation.hpp"

using namespace mspipe;
using namespace mspipe::cp;

namespace {

std::string data(const std::string& rel) { return std::string(MSPIPE_TEST_DATA_DIR) + "/" + rel; }

Phase from_toml(const std::string& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto cfg = core::Config::parse(ss.str(), file);
  return read_material(cfg.root().section("material"));
}

void expect_same(const Phase& a, const Phase& b) {
  EXPECT_EQ(a.lattice, b.lattice);
  EXPECT_DOUBLE_EQ(a.c_over_a, b.c_over_a);
  EXPECT_EQ((a.C66 - b.C66).norm(), 0.0);
  const auto& p = a.plastic;
  const auto& q = b.plastic;
  ASSERT_EQ(p.n_sl, q.n_sl);
  ASSERT_EQ(p.n_tw, q.n_tw);
  EXPECT_EQ(p.xi_0_sl, q.xi_0_sl);
  EXPECT_EQ(p.xi_inf_sl, q.xi_inf_sl);
  EXPECT_EQ(p.h_0_sl_sl, q.h_0_sl_sl);
  EXPECT_EQ(p.a_sl, q.a_sl);
  EXPECT_EQ(p.xi_0_tw, q.xi_0_tw);
  EXPECT_EQ(p.h_0_tw_sl, q.h_0_tw_sl);
  EXPECT_EQ((p.h_sl_sl - q.h_sl_sl).norm(), 0.0);
  EXPECT_EQ((p.h_sl_tw - q.h_sl_tw).norm(), 0.0);
  EXPECT_EQ((p.h_tw_sl - q.h_tw_sl).norm(), 0.0);
  EXPECT_EQ(p.P_sl, q.P_sl);
  EXPECT_EQ(p.P_tw, q.P_tw);
}

}  // namespace

TEST(MaterialInputs, ShippedTomlFilesEqualThePresets) {
  expect_same(from_toml(data("../../inputs/cp/cu.toml")), make_phase(preset_phase("Cu")));
  expect_same(from_toml(data("../../inputs/cp/mg.toml")), make_phase(preset_phase("Mg")));
}

TEST(MaterialInputs, DamaskCaseMaterialsEqualThePresets) {
  GridMaterial e, d;
  damask::read_material(data("cp/case_E/material.yaml"), e);
  damask::read_material(data("cp/case_D/material.yaml"), d);
  expect_same(e.phases.at(0), make_phase(preset_phase("Cu")));
  expect_same(d.phases.at(0), make_phase(preset_phase("Mg")));
  EXPECT_NEAR(d.materials.at(0).orientation.x, 0.3826834323650898, 1e-15);  // Goss
}

TEST(MaterialInputs, UnknownTomlKeyNamesTheKey) {
  const auto cfg = core::Config::parse(
      "[material]\npreset = \"Cu\"\n[material.plastic]\nxi_O_sl = [1e6]\n", "m.toml");
  try {
    read_material(cfg.root().section("material"));
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("xi_O_sl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("xi_0_sl"), std::string::npos) << e.what();
  }
}
