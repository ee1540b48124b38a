// Side-by-side: MPI_Allreduce (in place, chunked) and core::SharedAllreduce summing the
// same COUNT floats per rank, ITERS times after one warm-up. A barrier before each
// timed call keeps rank imbalance out of the figure; the slowest rank's time is reported.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "core/comm.hpp"
#include "core/shared_allreduce.hpp"

using namespace mspipe;

namespace {
template <class F>
double timed(const core::Comm& comm, int iters, F&& f) {
  f();
  double total = 0;
  for (int i = 0; i < iters; ++i) {
    comm.barrier();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return comm.max(total / iters);
}
}  // namespace

int main(int argc, char** argv) {
  core::MpiSession mpi(argc, argv);
  const auto& world = mpi.world();
  if (argc < 3) {
    if (world.is_root()) fmt::print(stderr, "usage: {} COUNT ITERS\n", argv[0]);
    return 2;
  }
  const std::int64_t count = std::atoll(argv[1]);
  const int iters = std::atoi(argv[2]);
  const double mb = double(count) * sizeof(float) / 1e6;

  std::vector<float> plain(static_cast<std::size_t>(count), 1.0f);
  const double t_mpi = timed(world, iters, [&] {
    constexpr std::int64_t chunk = std::int64_t(1) << 30;
    for (std::int64_t off = 0; off < count; off += chunk)
      MPI_Allreduce(MPI_IN_PLACE, plain.data() + off, int(std::min(chunk, count - off)), MPI_FLOAT,
                    MPI_SUM, world.get());
  });
  plain = {};
  core::SharedAllreduce shared(world, count);
  std::fill(shared.buffer().begin(), shared.buffer().end(), 1.0f);
  const double t_shared = timed(world, iters, [&] { shared.sum(count, 1.0f / float(world.size())); });
  if (world.is_root())
    fmt::print("{} ranks, {:.0f} MB per rank: MPI_Allreduce {:.3f} s ({:.2f} GB/s), shared memory {:.3f} s "
               "({:.2f} GB/s), {:.1f}x\n",
               world.size(), mb, t_mpi, mb / 1e3 / t_mpi, t_shared, mb / 1e3 / t_shared, t_mpi / t_shared);
  return 0;
}
