#include <gtest/gtest.h>

#include <fstream>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"

using namespace mspipe::core;

namespace {
Comm world() { return Comm(MPI_COMM_WORLD); }  // tests stand in for the driver
}  // namespace

TEST(Comm, DupHasSameRankAndSizeAndIsADifferentCommunicator) {
  Comm w = world();
  int r = -1, s = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  EXPECT_EQ(w.rank(), r);
  EXPECT_EQ(w.size(), s);
  int cmp = 0;
  MPI_Comm_compare(w.get(), MPI_COMM_WORLD, &cmp);
  EXPECT_EQ(cmp, MPI_CONGRUENT);
}

TEST(Comm, TypedCollectives) {
  Comm w = world();
  const int n = w.size();
  EXPECT_EQ(w.sum(w.rank() + 1), n * (n + 1) / 2);
  EXPECT_EQ(w.max(w.rank()), n - 1);
  EXPECT_DOUBLE_EQ(w.min(double(w.rank()) + 0.5), 0.5);
  EXPECT_TRUE(w.any(w.rank() == n - 1));
  EXPECT_FALSE(w.all(w.rank() == 0));
  std::string s = w.rank() == 0 ? "hello from root" : "";
  w.bcast(s, 0);
  EXPECT_EQ(s, "hello from root");
  auto all = w.allgather<long long>(w.rank() * 10);
  ASSERT_EQ(all.size(), std::size_t(n));
  EXPECT_EQ(all[n - 1], (n - 1) * 10LL);
}

TEST(Comm, SplitByColourAndNullForUndefined) {
  Comm w = world();
  Comm half = w.split(w.rank() % 2, w.rank());
  EXPECT_EQ(half.size(), (w.size() + 1 - w.rank() % 2) / 2);
  EXPECT_EQ(half.sum(1), half.size());
  Comm none = w.split(w.rank() == 0 ? 0 : -1, 0);
  EXPECT_EQ(none.is_null(), w.rank() != 0);
}

TEST(Errors, FailureOnOneRankBecomesTheSameErrorOnAll) {
  Comm w = world();
  std::optional<std::string> local;
  if (w.rank() == w.size() - 1) local = "last rank saw a bad file";
  if (w.rank() == 1) local = "rank one saw it first";
  std::string got;
  try {
    raise_if_any(w, local, ExitCode::input);
  } catch (const CollectiveError& e) {
    got = e.what();
    EXPECT_EQ(e.exit_code(), 4);
  }
  EXPECT_EQ(got, "rank one saw it first");
  EXPECT_NO_THROW(raise_if_any(w, std::nullopt, ExitCode::input));
}

TEST(Config, LoadedOnRootParsedEverywhereAndMissingFileFailsEverywhere) {
  Comm w = world();
  const std::string path = "comm_test_config_" + std::to_string(w.size()) + ".toml";
  if (w.rank() == 0) std::ofstream(path) << "[run]\nseed = 42\n";
  w.barrier();
  const auto cfg = load_config(path, w);
  EXPECT_EQ(cfg.root().section("run").integer("seed"), 42);
  int failures = 0;
  try {
    load_config("does/not/exist.toml", w);
  } catch (const CollectiveError& e) {
    ++failures;
    EXPECT_EQ(e.exit_code(), 3);
    EXPECT_STREQ(e.what(), "does/not/exist.toml: error: cannot open configuration file");
  }
  EXPECT_EQ(failures, 1);
  w.barrier();
  if (w.rank() == 0) std::remove(path.c_str());
}
