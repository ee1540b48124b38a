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

// [numerics] method: "auto" by default, resolved per grid to the scheme measured fastest
// for its lattice; the names round-trip and an unknown one is refused naming the choices.
TEST(SolverMethod, AutoIsTheDefaultAndResolvesByLattice) {
  const auto read = [](const std::string& toml) {
    const auto cfg = core::Config::parse(toml, "n.toml");
    return read_numerics(cfg.root().section("numerics"));
  };
  EXPECT_EQ(read("[numerics]\n").method, SnesMethod::automatic);
  EXPECT_EQ(read("[numerics]\nmethod = \"anderson\"\n").method, SnesMethod::anderson);
  EXPECT_EQ(read("[numerics]\nmethod = \"ngmres\"\n").method, SnesMethod::ngmres);
  try {
    read("[numerics]\nmethod = \"newton\"\n");
    ADD_FAILURE() << "an unknown method was accepted";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("n.toml:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("newton_krylov"), std::string::npos) << e.what();
  }
  for (const auto name : snes_method_names) EXPECT_EQ(snes_method_name(parse_snes_method(name)), name);
  EXPECT_THROW(parse_snes_method("Anderson"), std::invalid_argument);

  GridMaterial mg, cu, both;
  mg.phases = {make_phase(preset_phase("Mg"))};
  cu.phases = {make_phase(preset_phase("Cu"))};
  both.phases = {mg.phases[0], cu.phases[0]};
  EXPECT_EQ(resolve_method(SnesMethod::automatic, mg), SnesMethod::newton_krylov);
  EXPECT_EQ(resolve_method(SnesMethod::automatic, cu), SnesMethod::anderson);
  EXPECT_EQ(resolve_method(SnesMethod::automatic, both), SnesMethod::anderson);
  // A method asked for by name is kept whatever the lattice.
  EXPECT_EQ(resolve_method(SnesMethod::anderson, mg), SnesMethod::anderson);
  EXPECT_EQ(resolve_method(SnesMethod::newton_krylov, cu), SnesMethod::newton_krylov);
}
