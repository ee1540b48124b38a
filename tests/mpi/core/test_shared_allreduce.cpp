#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/comm.hpp"
#include "core/shared_allreduce.hpp"

using namespace mspipe::core;

namespace {
Comm world() { return Comm(MPI_COMM_WORLD); }

// A value per (rank, index) whose sum over ranks is known in closed form.
float value(int rank, std::int64_t i) { return float((i % 97) + 1) * float(rank + 1); }

// Fills the buffer, sums, and checks every element against the closed form and against
// MPI_Allreduce of the same data; returns the buffer for cross-rank comparisons.
void check_sum(SharedAllreduce& ar, const Comm& comm, std::int64_t count, std::int64_t scaled, float scale) {
  auto buf = ar.buffer();
  ASSERT_EQ(std::int64_t(buf.size()), count);
  for (std::int64_t i = 0; i < count; ++i) buf[i] = value(comm.rank(), i);
  std::vector<float> ref(buf.begin(), buf.end());
  MPI_Allreduce(MPI_IN_PLACE, ref.data(), int(count), MPI_FLOAT, MPI_SUM, comm.get());
  ar.sum(scaled, scale);
  const int n = comm.size();
  const float rank_sum = float(n * (n + 1) / 2);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const float s = i < scaled ? scale : 1.0f;
    const float exact = float((i % 97) + 1) * rank_sum * s;
    if (std::abs(buf[i] - exact) > 1e-6f * std::abs(exact) || std::abs(buf[i] - ref[i] * s) > 1e-6f * std::abs(exact))
      ++wrong;
  }
  EXPECT_EQ(wrong, 0) << "of " << count << " elements on rank " << comm.rank();
  // Every rank holds the same bits: compare a checksum of the raw words.
  std::uint64_t h = 1469598103934665603ull;
  for (float f : buf) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    h = (h ^ u) * 1099511628211ull;
  }
  EXPECT_EQ(comm.min<unsigned long long>(h), comm.max<unsigned long long>(h));
}
}  // namespace

TEST(SharedAllreduce, SumsAndScalesLikeMpiAllreduceOnOneNode) {
  Comm w = world();
  // Not a multiple of the slice alignment or of the block, and fewer elements than
  // ranks × alignment for the small case, so empty slices occur.
  for (std::int64_t count : {std::int64_t(1), std::int64_t(37), std::int64_t(100003)}) {
    SharedAllreduce ar(w, count);
    EXPECT_EQ(ar.nodes(), 1);
    check_sum(ar, w, count, count / 2, 1.0f / float(w.size()));
    check_sum(ar, w, count, count, 0.25f);  // a second call on the same window
  }
}

TEST(SharedAllreduce, EmulatedNodesGiveTheSameSum) {
  Comm w = world();
  // Ranks 0,1 form one "node", 2,3 the next: the node sums then cross the leaders' MPI
  // all-reduce and come back to the non-leaders.
  SharedAllreduce ar(w, 50001, w.rank() / 2);
  EXPECT_EQ(ar.nodes(), (w.size() + 1) / 2);
  check_sum(ar, w, 50001, 20000, 0.5f);
  check_sum(ar, w, 50001, 0, 1.0f);
}

TEST(SharedAllreduce, OneRankPerNodeIsPlainMpi) {
  Comm w = world();
  SharedAllreduce ar(w, 1000, w.rank());
  EXPECT_EQ(ar.nodes(), w.size());
  check_sum(ar, w, 1000, 1000, 2.0f);
}
