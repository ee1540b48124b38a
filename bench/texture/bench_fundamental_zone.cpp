// Fundamental-zone reduction throughput, orientations per second on one core.
// Run: build/release/bench/texture/bench_fundamental_zone
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "core/rng.hpp"
#include "texture/fundamental_zone.hpp"
#include "texture/sampling.hpp"

using namespace mspipe::texture;

namespace {
std::vector<double> random_quaternions(std::size_t n) {
  mspipe::core::Rng rng(2024, 0, "bench");
  std::vector<double> q(4 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const Quat s = sample_uniform(rng);
    q[4 * i] = s.w, q[4 * i + 1] = s.x, q[4 * i + 2] = s.y, q[4 * i + 3] = s.z;
  }
  return q;
}

void BM_Reduce(benchmark::State& state, Lattice l) {
  omp_set_num_threads(1);  // per-core figure
  const std::size_t n = 1 << 16;
  const auto in = random_quaternions(n);
  std::vector<double> out(in.size());
  for (auto _ : state) {
    reduce(in, out, l);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
}  // namespace

BENCHMARK_CAPTURE(BM_Reduce, cubic, Lattice::cubic)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Reduce, hexagonal, Lattice::hexagonal)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
