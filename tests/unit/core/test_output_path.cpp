// Output locations are checked before any work: missing folders are made, paths that
// cannot be written are refused with the path and its origin named.
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.hpp"
#include "core/output_path.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using mspipe::core::OutputPath;

namespace {

std::string refusal(const OutputPath& out, int expected_code) {
  try {
    mspipe::core::prepare_output(out);
  } catch (const mspipe::core::CollectiveError& e) {
    EXPECT_EQ(e.exit_code(), expected_code);
    return e.what();
  }
  ADD_FAILURE() << out.path << " was accepted";
  return {};
}

}  // namespace

TEST(OutputPath, MissingParentFoldersOfAFileAreCreated) {
  const auto dir = mspipe::test_scratch::fresh_scratch_dir("output_path_parents");
  mspipe::core::prepare_output({dir / "a" / "b" / "result.h5", "--out", "", OutputPath::Kind::file});
  EXPECT_TRUE(fs::is_directory(dir / "a" / "b"));
  EXPECT_FALSE(fs::exists(dir / "a" / "b" / "result.h5"));  // checked, not created
  EXPECT_TRUE(fs::is_empty(dir / "a" / "b"));               // the probe file is gone
}

TEST(OutputPath, AFolderOutputIsCreated) {
  const auto dir = mspipe::test_scratch::fresh_scratch_dir("output_path_folder");
  mspipe::core::prepare_output({dir / "vti", "--vti", "", OutputPath::Kind::folder});
  EXPECT_TRUE(fs::is_directory(dir / "vti"));
}

TEST(OutputPath, AFileInTheWayOfAFolderIsRefusedNamingTheOption) {
  const auto dir = mspipe::test_scratch::fresh_scratch_dir("output_path_blocked");
  std::ofstream(dir / "blocker") << "x";
  const auto msg = refusal({dir / "blocker" / "d.h5", "--out", "", OutputPath::Kind::file}, 4);
  EXPECT_NE(msg.find("--out: cannot write"), std::string::npos) << msg;
  EXPECT_NE(msg.find("is not a folder"), std::string::npos) << msg;
}

TEST(OutputPath, AFolderWhereAFileIsNeededIsRefused) {
  const auto dir = mspipe::test_scratch::fresh_scratch_dir("output_path_is_folder");
  const auto msg = refusal({dir, "--out", "", OutputPath::Kind::file}, 4);
  EXPECT_NE(msg.find("it is a folder"), std::string::npos) << msg;
}

TEST(OutputPath, AConfigurationKeyIsNamedWithItsPlaceAndExitsAsAConfigError) {
  // /proc admits no new folders, not even for root.
  const auto msg = refusal({"/proc/mspipe_nowhere/out.h5", "simulate.output", "run.toml:7:10", OutputPath::Kind::file}, 3);
  EXPECT_EQ(msg.rfind("run.toml:7:10: error: simulate.output: cannot write '/proc/mspipe_nowhere/out.h5'", 0), 0u)
      << msg;
}
