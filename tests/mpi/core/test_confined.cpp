// Failure scopes under mpirun: a failure confined to one worker group comes back as a
// result on every rank of that group and leaves the other groups alone; a failure in
// rank 0's work (on_root) or on some ranks (collective) becomes one error on all ranks,
// with the exit code of the error that was thrown.
#include <gtest/gtest.h>

#include <new>

#include "core/comm.hpp"
#include "core/errors.hpp"

using namespace mspipe::core;

namespace {
Comm world() { return Comm(MPI_COMM_WORLD); }  // tests stand in for the driver

// Groups of two consecutive ranks, as simulate's ranks_per_sim = 2.
Comm pair_group(const Comm& w) { return w.split(w.rank() / 2, w.rank()); }
}  // namespace

TEST(Confined, OneRankOfAGroupThrowsAndTheWholeGroupGetsItsMessage) {
  Comm w = world();
  Comm group = pair_group(w);
  const bool failing_group = w.rank() / 2 == 0;
  const auto result = run_confined(group, [&] {
    if (failing_group && group.rank() == 1) throw std::runtime_error("VE 7: solver failed on rank 1");
    // Rank 0 of the failing group must not wait in a collective here: rank 1 never comes
    // (the caveat of run_confined). The other groups communicate as usual.
    if (!failing_group) group.barrier();
  });
  if (failing_group && group.size() == 2) {
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, "VE 7: solver failed on rank 1");
  } else {
    EXPECT_FALSE(result.has_value());
  }
  // Every rank goes on: the job as a whole still communicates.
  EXPECT_EQ(w.sum(1), w.size());
}

TEST(Confined, TheLowestFailingRanksMessageWinsAndCollectiveErrorsCountToo) {
  Comm w = world();
  Comm group = pair_group(w);
  const auto result = run_confined(group, [&] {
    if (group.rank() == 1) throw std::runtime_error("second");
    throw InputError("ve.h5: error: first");
  });
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, "ve.h5: error: first");
}

TEST(Confined, BadAllocIsNotConfined) {
  Comm w = world();
  Comm self = w.split(w.rank(), 0);  // a group of one: nobody else waits
  EXPECT_THROW(run_confined(self, [] { throw std::bad_alloc(); }), std::bad_alloc);
}

TEST(Collective, KeepsTheExitCodeOfTheErrorThrownOnTheLowestFailingRank) {
  Comm w = world();
  int code = -1;
  std::string message;
  try {
    collective(w, [&] {
      if (w.rank() == 1) throw InputError("ve.h5: error: rank one");
      if (w.rank() > 1) throw ConfigError("f.toml:1:1: error: a later rank");
    });
  } catch (const InputError& e) {  // the type, not only the code, is the thrown one's
    code = e.exit_code();
    message = e.what();
  }
  EXPECT_EQ(code, 4);
  EXPECT_EQ(message, "ve.h5: error: rank one");
}

TEST(OnRoot, RunsOnRankZeroOnlyAndShareItsErrorWithItsCode) {
  Comm w = world();
  int calls = 0;
  on_root(w, [&] { ++calls; });
  EXPECT_EQ(w.sum(calls), 1);
  EXPECT_EQ(calls, w.rank() == 0 ? 1 : 0);

  int code = -1;
  try {
    on_root(w, [] { throw InputError("out.h5: error: cannot create"); });
  } catch (const CollectiveError& e) {
    code = e.exit_code();
    EXPECT_STREQ(e.what(), "out.h5: error: cannot create");
  }
  EXPECT_EQ(code, 4);

  code = -1;
  try {
    on_root(w, [] { throw std::runtime_error("disk full"); });  // not a CollectiveError
  } catch (const CollectiveError& e) {
    code = e.exit_code();
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_EQ(code, 1);
}
