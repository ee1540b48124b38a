// Time per VE of the generator and of its parts. Target: <= 20 ms per 64^3 VE with about
// 40 grains on one core (run with OMP_NUM_THREADS=1).
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <filesystem>

#include "core/comm.hpp"
#include "core/rng.hpp"
#include "io/ve_set.hpp"
#include "microstructure/generator.hpp"
#include "microstructure/tessellation.hpp"

using namespace mspipe;
using namespace mspipe::microstructure;

namespace {
GeneratorParams paper_training() {
  GeneratorParams p;  // 64^3, 0.25 per voxel, mean ESD 5.78, sigma 0.1: about 39 grains
  return p;
}
GeneratorParams elongated() {
  GeneratorParams p;
  p.grain_size.mean_esd = 9.54;
  p.shape.axes = {2, 1, 1};
  return p;
}
}  // namespace

static void BM_GenerateVe64(benchmark::State& state) {
  const auto p = state.range(0) == 0 ? paper_training() : elongated();
  std::int64_t id = 0;
  double grains = 0;
  for (auto _ : state) {
    auto ve = generate_ve(p, 2024, id++);
    grains += ve.grains.size();
    benchmark::DoNotOptimize(ve.grain_id.data());
  }
  state.counters["grains"] = grains / state.iterations();
  state.SetLabel(state.range(0) == 0 ? "training (equiaxed, ESD 5.78)" : "elongated 2:1:1 (ESD 9.54)");
}
BENCHMARK(BM_GenerateVe64)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

static void BM_Tessellate64(benchmark::State& state) {
  const int n = 64, sites_n = static_cast<int>(state.range(0));
  const bool brute = state.range(1) != 0;
  core::Rng rng(1, 2, "bench");
  std::vector<Site> sites(sites_n);
  for (auto& s : sites) s = {{rng.uniform() * n, rng.uniform() * n, rng.uniform() * n}, rng.uniform(10, 13)};
  const texture::Mat3 id{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  std::vector<std::int32_t> out(n * n * n);
  for (auto _ : state) {
    if (brute) tessellate_brute_force(n, sites, id, Tessellation::ellipsoidal, out);
    else tessellate(n, sites, id, Tessellation::ellipsoidal, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(brute ? "brute force, 27 images" : "cell search");
}
BENCHMARK(BM_Tessellate64)->Args({40, 0})->Args({400, 0})->Args({40, 1})->Unit(benchmark::kMillisecond);

// Writing a VE set on one rank (MPI-IO driver, as mspipe generate uses it): time per VE
// for compressing and storing the voxel fields and grain tables, excluding generation.
static void BM_WriteVeSet64(benchmark::State& state) {
  const auto p = paper_training();
  const int block = 4;
  std::vector<VolumeElement> ves;
  for (int i = 0; i < block; ++i) ves.push_back(generate_ve(p, 2024, i));
  const auto path = std::filesystem::temp_directory_path() / "mspipe_bench_ve_set.h5";
  core::Comm self(MPI_COMM_SELF);
  const std::int64_t steps = 8;
  for (auto _ : state) {
    io::VeSetWriter w(path, {p.size, p.resolution, "cubic", 2024, steps * block, to_toml(p)}, self);
    for (std::int64_t s = 0; s < steps; ++s) {
      for (int i = 0; i < block; ++i) ves[i].id = s * block + i;
      w.append(s * block, ves);
    }
    w.commit();
  }
  state.SetItemsProcessed(state.iterations() * steps * block);
  state.counters["kB_per_VE"] = std::filesystem::file_size(path) / 1000.0 / (steps * block);
  std::filesystem::remove(path);
}
BENCHMARK(BM_WriteVeSet64)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  MPI_Finalize();
  return 0;
}
