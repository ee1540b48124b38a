#include <gtest/gtest.h>

#include <climits>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

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

TEST(Comm, ReduceOpOverloadsOfSpans) {
  Comm w = world();
  const int n = w.size();
  std::vector<int> v = {w.rank(), -w.rank(), 1};
  auto lo = v, hi = v;
  w.allreduce_inplace(std::span<int>(v), ReduceOp::sum);
  w.allreduce_inplace(std::span<int>(lo), ReduceOp::min);
  w.allreduce_inplace(std::span<int>(hi), ReduceOp::max);
  EXPECT_EQ(v, (std::vector<int>{n * (n - 1) / 2, -n * (n - 1) / 2, n}));
  EXPECT_EQ(lo, (std::vector<int>{0, -(n - 1), 1}));
  EXPECT_EQ(hi, (std::vector<int>{n - 1, 0, 1}));
}

// Rank r contributes r values 100 r + i: rank 0 none, so a zero count is always present.
TEST(Comm, GathervAndAllgathervConcatenateUnevenCountsInRankOrder) {
  Comm w = world();
  std::vector<double> mine;
  for (int i = 0; i < w.rank(); ++i) mine.push_back(100.0 * w.rank() + i);
  std::vector<double> want;
  for (int r = 0; r < w.size(); ++r)
    for (int i = 0; i < r; ++i) want.push_back(100.0 * r + i);
  const int root = w.size() - 1;
  const auto on_root = w.gatherv(std::span<const double>(mine), root);
  if (w.rank() == root) EXPECT_EQ(on_root, want);
  else EXPECT_TRUE(on_root.empty());
  EXPECT_EQ(w.allgatherv(std::span<const double>(mine)), want);
  // Nothing anywhere is an empty result, not an error.
  EXPECT_TRUE(w.allgatherv(std::span<const int>()).empty());
}

TEST(Comm, MaxlocAndMinlocNameTheLowestRankOnTies) {
  Comm w = world();
  // Odd ranks hold 5, even ranks 1: the max is first held by rank 1, the min by rank 0.
  const double v = w.rank() % 2 == 1 ? 5.0 : 1.0;
  const auto hi = w.maxloc(v), lo = w.minloc(v);
  EXPECT_EQ(hi.value, 5.0);
  EXPECT_EQ(hi.rank, 1);
  EXPECT_EQ(lo.value, 1.0);
  EXPECT_EQ(lo.rank, 0);
  // Strictly largest on the last rank.
  const auto last = w.maxloc(w.rank() == w.size() - 1 ? 9.0 : 2.0);
  EXPECT_EQ(last.rank, w.size() - 1);
  const auto same = w.maxloc(3.0);  // everybody ties
  EXPECT_EQ(same.rank, 0);
}

TEST(Comm, BcastAndAllreduceInPiecesMatchTheWholeBuffer) {
  Comm w = world();
  Comm small = w.dup();
  small.set_max_count(3);  // 10 elements go as 3 + 3 + 3 + 1
  EXPECT_EQ(small.dup().max_count(), 3u);
  std::vector<double> b(10, -1.0);
  if (small.rank() == 0)
    for (int i = 0; i < 10; ++i) b[i] = 0.5 * i;
  small.bcast(std::span<double>(b));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b[i], 0.5 * i);
  std::string s = small.rank() == 0 ? "a string longer than three characters" : "";
  small.bcast(s);
  EXPECT_EQ(s, "a string longer than three characters");

  const long long n = small.size();
  std::vector<long long> v(11);
  for (int i = 0; i < 11; ++i) v[i] = small.rank() + 1000LL * i;
  small.allreduce_inplace(std::span<long long>(v), ReduceOp::sum);
  for (int i = 0; i < 11; ++i) EXPECT_EQ(v[i], n * (n - 1) / 2 + 1000LL * i * n);
}

TEST(Comm, SendAndRecvInPiecesDeliverTheWholeMessage) {
  Comm small = world();
  small.set_max_count(4);  // 10 ints go as 4 + 4 + 2
  const int to = (small.rank() + 1) % small.size(), from = (small.rank() + small.size() - 1) % small.size();
  std::vector<int> out(10), in(10, -1);
  for (int i = 0; i < 10; ++i) out[i] = 100 * small.rank() + i;
  Status st;
  if (small.rank() % 2 == 0) {
    small.send(out, to, 61);
    st = small.recv(std::span<int>(in), Comm::any_source, Comm::any_tag);
  } else {
    st = small.recv(std::span<int>(in), Comm::any_source, Comm::any_tag);
    small.send(out, to, 61);
  }
  EXPECT_EQ(st.source, from);
  EXPECT_EQ(st.tag, 61);
  EXPECT_EQ(st.count, 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(in[i], 100 * from + i);
}

TEST(Comm, MessageOverTheLimitTravelsAsPiecesOfTheLimit) {
  Comm small = world();
  small.set_max_count(4);
  if (small.rank() == 0) small.send(std::vector<int>(10, 7), 1, 71);
  if (small.rank() == 1) {
    std::vector<std::size_t> pieces;
    for (int k = 0; k < 3; ++k) {
      Message m = small.probe(0, 71);
      pieces.push_back(m.count<int>());
      EXPECT_EQ(m.recv<int>(), std::vector<int>(pieces.back(), 7));
    }
    EXPECT_EQ(pieces, (std::vector<std::size_t>{4, 4, 2}));
  }
  small.barrier();
}

namespace {
// The message of the std::length_error that `fn` throws ("" if none).
template <class Fn>
std::string length_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const std::length_error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Comm, OverLargeCountsAreRefusedNamingTheOperationAndTheCount) {
  const std::size_t too_many = std::size_t(INT_MAX) + 1;
  EXPECT_EQ(length_error_of([&] { checked_count(too_many, "MPI_Send"); }),
            "MPI_Send: count 2147483648 exceeds the largest count of one MPI call (2147483647)");
  EXPECT_EQ(checked_count(5, "MPI_Send"), 5);

  Comm small = world();
  small.set_max_count(3);
  std::vector<int> four(4);
  EXPECT_EQ(length_error_of([&] { small.isend(std::span<const int>(four), 0, 1); }),
            "MPI_Isend: count 4 exceeds the largest count of one MPI call (3)");
  EXPECT_EQ(length_error_of([&] { small.irecv(std::span<int>(four), 0, 1); }),
            "MPI_Irecv: count 4 exceeds the largest count of one MPI call (3)");
  // Collective refusals: every rank sees every count, so every rank throws.
  EXPECT_EQ(length_error_of([&] { small.gatherv(std::span<const int>(four)); }),
            "MPI_Gatherv: count 4 exceeds the largest count of one MPI call (3)");
  const std::vector<int> two(2);  // 2 per rank: the concatenation exceeds 3 from two ranks on
  EXPECT_NE(length_error_of([&] { small.allgatherv(std::span<const int>(two)); }).find("MPI_Allgatherv: count "),
            std::string::npos);
  EXPECT_THROW(small.set_max_count(0), std::invalid_argument);
  EXPECT_THROW(small.set_max_count(too_many), std::invalid_argument);
  small.barrier();
}
