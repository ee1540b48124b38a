#include <gtest/gtest.h>

#include "core/config.hpp"
#include "core/errors.hpp"

using mspipe::core::Config;
using mspipe::core::ConfigError;
using mspipe::core::Range;

namespace {
// The message a ConfigError carries for `fn`, or "" when nothing was thrown.
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
const char* kDoc = R"(# demo
[vae]
lr = "1e-3x"
epochs = 10
width = -2
depth = "resnet19"
sizes = [16, 32.5]
learnig_rate = 1.0

[cp]
ranks_per_sim = 2
)";
}  // namespace

TEST(Config, WrongTypeNamesFileLineColumnKeyExpectedAndFound) {
  auto cfg = Config::parse(kDoc, "inputs/demo.toml");
  EXPECT_EQ(error_of([&] { cfg.root().section("vae").number("lr", 1e-5, Range::positive()); }),
            "inputs/demo.toml:3:6: error: vae.lr: expected a positive number, found \"1e-3x\"");
}

TEST(Config, OutOfRange) {
  auto cfg = Config::parse(kDoc, "f.toml");
  EXPECT_EQ(error_of([&] { cfg.root().section("vae").integer("width", 64, Range::positive()); }),
            "f.toml:5:9: error: vae.width: expected a positive integer, found -2");
}

TEST(Config, NotOneOfTheChoices) {
  auto cfg = Config::parse(kDoc, "f.toml");
  EXPECT_EQ(error_of([&] { cfg.root().section("vae").string("depth", "resnet18", {"resnet12", "resnet18", "resnet34"}); }),
            "f.toml:6:9: error: vae.depth: expected one of \"resnet12\" \"resnet18\" \"resnet34\", found \"resnet19\"");
}

TEST(Config, ArrayElementOfWrongType) {
  auto cfg = Config::parse(kDoc, "f.toml");
  EXPECT_EQ(error_of([&] { cfg.root().section("vae").integers("sizes"); }),
            "f.toml:7:9: error: vae.sizes: element 1: expected integers, found 32.5");
}

TEST(Config, MissingRequiredKeyAndTable) {
  auto cfg = Config::parse(kDoc, "f.toml");
  EXPECT_EQ(error_of([&] { cfg.root().section("cp").integer("seed"); }),
            "f.toml:10:1: error: cp.seed: missing required key (expected an integer)");
  EXPECT_EQ(error_of([&] { cfg.root().section("surrogate"); }),
            "f.toml: error: surrogate: missing required table [surrogate]");
}

TEST(Config, UnknownKeyIsReportedByFinish) {
  auto cfg = Config::parse("[vae]\nlearnig_rate = 1.0\nepochs = 3\n", "f.toml");
  auto vae = cfg.root().section("vae");
  EXPECT_EQ(vae.integer("epochs"), 3);
  EXPECT_EQ(vae.number("learning_rate", 1e-5), 1e-5);
  EXPECT_EQ(error_of([&] { vae.finish(); }),
            "f.toml:2:1: error: unknown key 'vae.learnig_rate' (did you mean 'vae.learning_rate'?)");
}

TEST(Config, UnknownSectionAtRoot) {
  auto cfg = Config::parse("[run]\nseed = 1\n[vea]\nx = 1\n", "f.toml");
  auto root = cfg.root();
  root.section("run").integer("seed");
  root.optional_section("vae");
  EXPECT_EQ(error_of([&] { root.finish(); }), "f.toml:3:2: error: unknown key 'vea' (did you mean 'vae'?)");
}

TEST(Config, MalformedToml) {
  const auto msg = error_of([] { Config::parse("[vae]\nlr = 1e-3x\n", "bad.toml"); });
  EXPECT_EQ(msg.rfind("bad.toml:2:", 0), 0u) << msg;
  EXPECT_NE(msg.find("malformed TOML"), std::string::npos) << msg;
}

TEST(Config, NanAndInfAreRejectedForNumbers) {
  auto cfg = Config::parse("a = nan\nb = inf\n", "f.toml");
  EXPECT_NE(error_of([&] { cfg.root().number("a", 1.0); }).find("expected a finite number, found nan"), std::string::npos);
  EXPECT_NE(error_of([&] { cfg.root().number("b", 1.0); }).find("found inf"), std::string::npos);
}

TEST(Config, DefaultsAndValuesOfEveryType) {
  auto cfg = Config::parse("i = 3\nx = 2\nb = true\ns = \"hi\"\nv = [1, 2.5]\nn = [\"a\"]\n[t]\n", "f.toml");
  auto r = cfg.root();
  EXPECT_EQ(r.integer("i"), 3);
  EXPECT_EQ(r.number("x"), 2.0);  // integers are numbers
  EXPECT_TRUE(r.boolean("b"));
  EXPECT_EQ(r.string("s"), "hi");
  EXPECT_EQ(r.numbers("v", std::nullopt, 2), (std::vector<double>{1, 2.5}));
  EXPECT_EQ(r.strings("n"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(r.integer("absent", 7), 7);
  EXPECT_TRUE(r.optional_section("t").has_value());
  EXPECT_NO_THROW(r.finish());
  EXPECT_NE(error_of([&] { r.numbers("v", std::nullopt, 3); }).find("expected 3 numbers, found 2"), std::string::npos);
}

TEST(Config, KindSaysWhatAKeyHoldsAndCountsAsAsked) {
  using mspipe::core::ValueKind;
  auto cfg = Config::parse("i = 3\nx = 2.5\nb = false\ns = \"Cu\"\nv = [1, 2]\nd = 1979-05-27\n[t]\n",
                           "f.toml");
  auto r = cfg.root();
  EXPECT_EQ(r.kind("i"), ValueKind::integer);
  EXPECT_EQ(r.kind("x"), ValueKind::floating);
  EXPECT_EQ(r.kind("b"), ValueKind::boolean);
  EXPECT_EQ(r.kind("s"), ValueKind::string);
  EXPECT_EQ(r.kind("v"), ValueKind::array);
  EXPECT_EQ(r.kind("d"), ValueKind::date_time);
  EXPECT_EQ(r.kind("t"), ValueKind::table);
  EXPECT_EQ(r.kind("absent"), ValueKind::absent);
  EXPECT_NO_THROW(r.finish());  // asking for the kind is asking for the key
}

// Every configuration error starts with "file:line:col: error: " and names the key path.
TEST(Config, FailAndConfigErrorCarryFileLineColumnAndKeyPath) {
  auto cfg = Config::parse(kDoc, "inputs/demo.toml");
  const auto cp = cfg.root().section("cp");
  EXPECT_EQ(error_of([&] { cp.fail("ranks_per_sim", "3 does not divide the 4 ranks"); }),
            "inputs/demo.toml:11:17: error: cp.ranks_per_sim: 3 does not divide the 4 ranks");
  EXPECT_EQ(error_of([&] { mspipe::core::config_error(cp, "ranks_per_sim", "too many"); }),
            "inputs/demo.toml:11:17: error: cp.ranks_per_sim: too many");
  // An absent key is placed at its table's header.
  EXPECT_EQ(error_of([&] { cp.fail("count", "is needed here"); }),
            "inputs/demo.toml:10:1: error: cp.count: is needed here");
}

// A check made at run time, after the Config is gone, still points into the file.
TEST(Config, KeyRefKeepsTheLocationForLaterChecks) {
  mspipe::core::KeyRef ref;
  {
    auto cfg = Config::parse(kDoc, "inputs/demo.toml");
    ref = cfg.root().section("cp").ref("ranks_per_sim");
  }
  EXPECT_EQ(ref.where, "inputs/demo.toml:11:17");
  EXPECT_EQ(ref.path, "cp.ranks_per_sim");
  EXPECT_EQ(error_of([&] { ref.fail("2 does not divide the 3 ranks"); }),
            "inputs/demo.toml:11:17: error: cp.ranks_per_sim: 2 does not divide the 3 ranks");
}

TEST(Config, ConfigErrorsExitWithTheConfigCode) {
  auto cfg = Config::parse(kDoc, "f.toml");
  try {
    cfg.root().section("cp").fail("ranks_per_sim", "x");
    ADD_FAILURE() << "fail() returned";
  } catch (const mspipe::core::CollectiveError& e) {
    EXPECT_EQ(e.exit_code(), 3);
  }
}
