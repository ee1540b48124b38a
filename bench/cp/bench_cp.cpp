// Crystal plasticity benchmarks: constitutive updates (with and without the tangent, one
// point at a time and in lock-step SIMD lanes), one residual evaluation of the spectral
// solver at 32³, and the full 20-increment uniaxial tension of DAMASK's case B geometry
// (Cu and Mg, 16³). Run under mpirun for
// several ranks; MSPIPE_TEST_DATA_DIR locates the DAMASK case files.
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <random>
#include <utility>

#include "cp/damask/damask_files.hpp"
#include "cp/fourier_grid.hpp"
#include "cp/material_field.hpp"
#include "cp/spectral_solver.hpp"
#include "texture/quaternion.hpp"

using namespace mspipe;
using namespace mspipe::cp;

namespace {

std::string case_dir(const char* c) { return std::string(MSPIPE_TEST_DATA_DIR) + "/cp/case_" + c; }

Mat3 rot(const texture::Quat& q) {
  const auto m = texture::to_matrix(q);
  Mat3 r;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r(i, j) = m[i][j];
  return r;
}

// One update of kLanes points (orientations of their own, so that their iteration counts
// differ as neighbouring cells' do) that deform plastically in this step (0.05 % strain
// in 0.5 s after 0.5 % of prior tension), as in the middle of the paper's load case;
// argument 1 with the consistent tangent dP/dF, 0 without (what a residual evaluation of
// the basic scheme needs). The points repeat the same update, as in the last iterations
// of an increment where F hardly changes: argument 2 = 1 lets them start from their
// previous iterate's state (the default), 0 from the start of the increment (DAMASK's
// start). Argument 3 = 1 integrates the points in lock-step, one per SIMD lane (the
// default), 0 one after the other. ns_per_update is per point.
void constitutive_update(benchmark::State& state, const char* preset) {
  const Phase ph = make_phase(preset_phase(preset));
  const double bunge[4][3] = {{35, 45, 10}, {120, 80, 30}, {200, 30, 70}, {75, 60, 5}};
  const int n = ph.plastic.state_size();
  struct Point {
    std::vector<double> Fp, Lp, S, st, F0, Fp0, Lp0, S0, st0;
  };
  std::vector<Point> points(kLanes);
  PointRef pts[kLanes];
  for (int i = 0; i < kLanes; ++i) {
    auto& p = points[i];
    for (auto* v : {&p.Fp, &p.Lp, &p.S, &p.F0, &p.Fp0, &p.Lp0, &p.S0}) v->assign(9, 0.0);
    p.st.assign(n, 0.0);
    initial_point(ph, rot(texture::from_bunge_deg(bunge[i % 4][0], bunge[i % 4][1], bunge[i % 4][2])), p.Fp.data(),
                  p.Lp.data(), p.S.data(), p.st.data());
    p.Fp0 = p.Fp, p.Lp0 = p.Lp, p.S0 = p.S, p.st0 = p.st;
    p.F0 = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    pts[i] = {p.Fp.data(), p.Lp.data(), p.S.data(), p.st.data(), p.F0.data(),
              p.Fp0.data(), p.Lp0.data(), p.S0.data(), p.st0.data()};
  }
  Mat3 F[kLanes], P[kLanes];
  T4 D[kLanes];
  T4* tangent[kLanes];
  bool ok[kLanes];
  IntegrationNumerics num;
  num.warm_state = state.range(1) != 0;
  num.lockstep = state.range(2) != 0;
  // Walk to 0.5 % in 10 steps to have a realistic hardened state and stress.
  for (int k = 1; k <= 10; ++k) {
    for (int i = 0; i < kLanes; ++i) {
      F[i] = Mat3::Identity();
      F[i](2, 2) = 1 + 5e-4 * k;
      F[i](0, 0) = F[i](1, 1) = 1 - 2.5e-4 * k;
      tangent[i] = &D[i];
    }
    constitutive_update_lanes(ph, num, kLanes, F, 0.5, pts, P, tangent, ok);
    for (auto& p : points) {
      std::copy(F[0].data(), F[0].data() + 9, p.F0.begin());
      p.Fp0 = p.Fp, p.Lp0 = p.Lp, p.S0 = p.S, p.st0 = p.st;
    }
  }
  for (int i = 0; i < kLanes; ++i) {
    F[i] = Mat3::Identity();
    F[i](2, 2) = 1.0055;
    F[i](0, 0) = F[i](1, 1) = 1 - 2.75e-3;
    tangent[i] = state.range(0) != 0 ? &D[i] : nullptr;
  }
  for (auto _ : state) {
    constitutive_update_lanes(ph, num, kLanes, F, 0.5, pts, P, tangent, ok);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(D[0].data());
  }
  state.counters["ns_per_update"] = benchmark::Counter(
      double(state.iterations()) * kLanes * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
void BM_ConstitutiveUpdateCu(benchmark::State& s) { constitutive_update(s, "Cu"); }
void BM_ConstitutiveUpdateMg(benchmark::State& s) { constitutive_update(s, "Mg"); }

// One residual evaluation (material update of every cell + FFT + Γ convolution) at 32³,
// 64 grains of random orientation, in the plastic range.
void BM_ResidualEvaluation32(benchmark::State& state) {
  const core::Comm world(MPI_COMM_WORLD);
  const int N = 32;
  FourierGrid grid(world, {N, N, N}, {32e-6, 32e-6, 32e-6});
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<texture::Quat> q(64);
  for (auto& x : q) {
    const double a = u(rng), b = u(rng), c = u(rng);
    x = texture::standardised({std::sqrt(1 - a) * std::sin(2 * M_PI * b), std::sqrt(1 - a) * std::cos(2 * M_PI * b),
                               std::sqrt(a) * std::sin(2 * M_PI * c), std::sqrt(a) * std::cos(2 * M_PI * c)});
  }
  const std::size_t n = grid.local_cells();
  std::vector<std::int32_t> phase(n, 0);
  std::vector<double> rotation(9 * n), F(9 * n), P(9 * n), R(9 * n);
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t g = c + std::size_t(grid.z_offset()) * N * N;
    const int x = g % N, y = (g / N) % N, z = g / (N * N);
    const Mat3 r = rot(q[(x / 8) + 4 * (y / 8) + 16 * (z / 8)]);
    std::copy(r.data(), r.data() + 9, &rotation[9 * c]);
    Mat3 f = Mat3::Identity();
    f(2, 2) = 1.0005;
    f(0, 0) = f(1, 1) = 1 - 0.00025;
    std::copy(f.data(), f.data() + 9, &F[9 * c]);
  }
  MaterialField field({make_phase(preset_phase("Cu"))}, phase, rotation, IntegrationNumerics{});
  const auto r0 = field.evaluate(world, grid.total_cells(), F.data(), 0.0, P.data());
  grid.set_reference(r0.C_min_max_avg);
  for (auto _ : state) {
    field.restore();
    const auto r = field.evaluate(world, grid.total_cells(), F.data(), 0.5, P.data());
    grid.forward(P.data());
    benchmark::DoNotOptimize(grid.divergence_rms());
    grid.convolve(Mat3::Zero(), R.data());
    benchmark::DoNotOptimize(r.P_av.data());
  }
}

// The paper's load case on case B's geometry (16³, 20 grains) with Cu (DAMASK case B)
// or Mg (side_by_side.sh's case A): wall time of the whole 20-increment run, iterations
// and work as counters. Arguments: method (0 NGMRES, 1 Anderson, 2 Newton–Krylov), and
// optionally elastic predictor and warm state start (1 on, as by default; 0 off).
void full_tension(benchmark::State& state, const char* preset) {
  const core::Comm world(MPI_COMM_WORLD);
  GridMaterial g;
  damask::read_material(case_dir("B") + "/material.yaml", g);
  damask::read_geometry(case_dir("B") + "/geom.vti", g);
  if (std::string(preset) == "Mg") g.phases = {make_phase(preset_phase("Mg"))};
  const auto load = damask::read_load(case_dir("B") + "/load.yaml");
  SolverNumerics num;
  num.method = static_cast<SnesMethod>(state.range(0));
  if (state.range(1) >= 0) num.material.elastic_predictor = state.range(1) != 0;
  if (state.range(2) >= 0) num.material.warm_state = state.range(2) != 0;
  int iterations = 0;
  bool converged = true;
  SolverWork work;
  double sigma_zz = 0;
  for (auto _ : state) {
    SpectralSolver solver(world, g, num);
    const auto r = solver.run(load);
    iterations = 0;
    for (const auto& i : r.increments) iterations += i.iterations;
    converged = r.converged;
    work = r.work;
    sigma_zz = r.increments.back().sigma_avg(2, 2);
  }
  state.counters["iterations"] = iterations;
  state.counters["residual_evaluations"] = double(work.residual_evaluations);
  state.counters["jacobian_products"] = double(work.jacobian_products);
  state.counters["updates"] = double(work.material.updates);
  state.counters["elastic"] = double(work.material.elastic);
  state.counters["state_iterations"] = double(work.material.state_iterations);
  state.counters["newton_iterations"] = double(work.material.newton_iterations);
  state.counters["tangents"] = double(work.material.tangents);
  state.counters["sigma_zz_MPa"] = sigma_zz * 1e-6;
  state.counters["converged"] = converged;
  state.counters["ranks"] = world.size();
}
void BM_TensionCase16Cu(benchmark::State& s) { full_tension(s, "Cu"); }
void BM_TensionCase16Mg(benchmark::State& s) { full_tension(s, "Mg"); }

}  // namespace

// Each update case (tangent, warm start) one point at a time and in lock-step.
static void update_cases(benchmark::internal::Benchmark* b) {
  b->ArgNames({"tangent", "warm", "lockstep"});
  for (const auto& [tangent, warm] : {std::pair{1, 0}, {0, 0}, {0, 1}})
    for (int lockstep : {0, 1}) b->Args({tangent, warm, lockstep});
}
BENCHMARK(BM_ConstitutiveUpdateCu)->Apply(update_cases);
BENCHMARK(BM_ConstitutiveUpdateMg)->Apply(update_cases);
BENCHMARK(BM_ResidualEvaluation32)->Unit(benchmark::kMillisecond)->Iterations(3);
// Arguments: method (0 NGMRES, DAMASK's choice; 1 Anderson; 2 Newton–Krylov), elastic
// predictor, warm state start (-1: the default, 0 off, 1 on).
BENCHMARK(BM_TensionCase16Cu)
    ->ArgNames({"method", "predictor", "warm"})
    ->Args({0, -1, -1})->Args({1, -1, -1})->Args({2, -1, -1})->Args({1, 0, 0})
    ->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_TensionCase16Mg)
    ->ArgNames({"method", "predictor", "warm"})
    ->Args({1, -1, -1})->Args({0, -1, -1})->Args({2, -1, -1})->Args({1, 0, 0})->Args({1, 1, 0})->Args({1, 0, 1})
    ->Unit(benchmark::kSecond)->Iterations(1);

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  benchmark::Initialize(&argc, argv);
  // Every rank runs every benchmark (they are collective); rank 0 reports.
  struct Quiet : benchmark::BenchmarkReporter {
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>&) override {}
  };
  if (rank == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    Quiet quiet;
    benchmark::RunSpecifiedBenchmarks(&quiet);
  }
  benchmark::Shutdown();
  MPI_Finalize();
}
