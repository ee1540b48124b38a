#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "core/errors.hpp"
#include "io/hdf5.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace mspipe;
using io::h5::Dims;

namespace {
fs::path scratch(const std::string& name) {
  static const auto dir = mspipe::test_scratch::fresh_scratch_dir("hdf5");
  return dir / name;
}
}  // namespace

TEST(Hdf5, CreatedFileAppearsOnlyAfterCommit) {
  const auto path = scratch("commit.h5");
  fs::remove(path);
  {
    auto f = io::h5::File::create(path);
    EXPECT_TRUE(fs::exists(path.string() + ".tmp"));
    EXPECT_FALSE(fs::exists(path));
    f.commit();
  }
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(Hdf5, UncommittedFileLeavesNothingBehind) {
  const auto path = scratch("discard.h5");
  fs::remove(path);
  { auto f = io::h5::File::create(path); }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(Hdf5, DatasetsAndAttributesRoundTrip) {
  const auto path = scratch("roundtrip.h5");
  std::vector<float> f(2 * 3 * 4);
  std::iota(f.begin(), f.end(), 0.5f);
  std::vector<std::int8_t> status = {0, 1, -2, 3};
  {
    auto file = io::h5::File::create(path);
    const auto g = file.root().create_group("data");
    auto d = g.create_dataset<float>("f", {2, 3, 4}, {.chunk = {1, 3, 4}, .deflate = 4, .shuffle = true, .max_dims = {}});
    d.write_all<float>(f);
    g.write_dataset<std::int8_t>("status", {4}, status);
    auto ext = g.create_dataset<double>("grow", {0, 2}, {.chunk = {8, 2}, .deflate = 0, .shuffle = false,
                                                         .max_dims = {H5S_UNLIMITED, 2}});
    ext.extend({3, 2});
    const std::vector<double> rows = {1, 2, 3, 4, 5, 6};
    ext.write<double>(rows, {0, 0}, {3, 2});
    file.root().write_attribute("schema", "test");
    file.root().write_attribute("schema_version", std::int64_t{7});
    file.root().write_attribute("resolution", 0.25);
    const std::vector<double> v = {1.5, 2.5};
    d.write_attribute("pair", std::span<const double>(v));
    file.commit();
  }
  auto file = io::h5::File::open(path);
  const auto g = file.root().group("data");
  EXPECT_EQ(g.dataset("f").dims(), (Dims{2, 3, 4}));
  EXPECT_EQ(g.dataset("f").read_all<float>(), f);
  EXPECT_EQ(g.dataset("status").read_all<std::int8_t>(), status);
  // A hyperslab: the second row block of the first 3x4 plane.
  const auto part = g.dataset("f").read<float>({1, 1, 0}, {1, 2, 4});
  EXPECT_EQ(part, std::vector<float>(f.begin() + 16, f.begin() + 24));
  EXPECT_EQ(g.dataset("grow").read_all<double>(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(file.root().string_attribute("schema"), "test");
  EXPECT_EQ(file.root().integer_attribute("schema_version"), 7);
  EXPECT_DOUBLE_EQ(file.root().number_attribute("resolution"), 0.25);
  EXPECT_EQ(g.dataset("f").numbers_attribute("pair"), (std::vector<double>{1.5, 2.5}));
}

TEST(Hdf5, ErrorsNameFileAndObject) {
  const auto path = scratch("errors.h5");
  {
    auto file = io::h5::File::create(path);
    file.root().write_dataset<double>("x", {3}, std::vector<double>{1, 2, 3});
    file.commit();
  }
  auto file = io::h5::File::open(path);
  try {
    file.root().dataset("missing");
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("errors.h5: error:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'/missing'"), std::string::npos) << e.what();
  }
  try {
    file.root().dataset("x").read<double>({2}, {2});
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dataset '/x'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exceeds"), std::string::npos) << e.what();
  }
  EXPECT_THROW(io::h5::File::open(scratch("nonexistent.h5")), core::InputError);
  const auto text = scratch("not_hdf5.h5");
  { std::ofstream(text) << "hello"; }
  try {
    io::h5::File::open(text);
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
}
