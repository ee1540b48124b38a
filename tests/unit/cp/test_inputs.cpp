// The shipped material files (inputs/cp/*.toml) and DAMASK's material.yaml of the
// reference cases describe the same phases as the built-in presets.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "cp/damask/damask_files.hpp"
#include "cp/simulation.hpp"
#include "phase_compare.hpp"

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

void expect_same(const Phase& a, const Phase& b) { test_support::expect_same_parameters(a, b); }

// The ConfigError that reading [material] from `toml` gives ("" when there is none).
std::string material_error(const std::string& toml) {
  const auto cfg = core::Config::parse(toml, "m.toml");
  try {
    read_material(cfg.root().section("material"));
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
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
  const auto e = material_error("[material]\npreset = \"Cu\"\n[material.plastic]\nxi_O_sl = [1e6]\n");
  EXPECT_NE(e.find("xi_O_sl"), std::string::npos) << e;
  EXPECT_NE(e.find("xi_0_sl"), std::string::npos) << e;
}

// A parameter is a number or a list of numbers (one per family); anything else is an
// error at the value, not a guess.
TEST(MaterialInputs, ScalarAndOneElementListAreTheSameParameter) {
  const auto scalar = core::Config::parse(
      "[material]\npreset = \"Cu\"\n[material.plastic]\nxi_0_sl = 2.0e6\n", "m.toml");
  const auto list = core::Config::parse(
      "[material]\npreset = \"Cu\"\n[material.plastic]\nxi_0_sl = [2.0e6]\n", "m.toml");
  expect_same(read_material(scalar.root().section("material")),
              read_material(list.root().section("material")));
  EXPECT_EQ(material_error("[material]\npreset = \"Cu\"\n[material.plastic]\nn_sl = \"twenty\"\n"),
            "m.toml:4:8: error: material.plastic.n_sl: expected a number, found \"twenty\"");
}
