// Run by the ctest entry core_mpi_main_names_the_failing_rank_np2 with
// MSPIPE_FAIL_ON_RANK=1: the test fails on that rank only, and the entry checks that the
// MPI test main's report names the rank and that the run fails. Without the variable it
// passes on every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>

TEST(MpiTestMain, FailsOnlyOnTheRankNamedByTheEnvironment) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const char* v = std::getenv("MSPIPE_FAIL_ON_RANK");
  const int failing = v ? std::atoi(v) : -1;
  EXPECT_NE(rank, failing) << "failing on purpose on rank " << rank;
}

TEST(MpiTestMain, PassesOnEveryRank) {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  EXPECT_GE(size, 1);
}
