// The DAMASK_grid runner against a stand-in program (tests/support/fake_damask_grid.cpp)
// that takes DAMASK_grid's command line and inputs, runs our solver and writes a DADF5
// result: the averages read back equal those of the same solver run in memory, and every
// kind of failure ends as a failed outcome with a message, never a hang. On 2 ranks the
// stand-in is started by a nested mpirun.
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <fmt/core.h>

#include "core/comm.hpp"
#include "cp/damask/damask_grid_runner.hpp"
#include "texture/quaternion.hpp"

using namespace mspipe;
using namespace mspipe::cp;
namespace fs = std::filesystem;

namespace {

core::Comm world() { return core::Comm(MPI_COMM_WORLD); }

// 8³ Cu, four grains in columns along z.
GridMaterial small_grid() {
  GridMaterial g;
  g.cells = {8, 8, 8};
  g.size = {8e-6, 8e-6, 8e-6};
  g.phases = {make_phase(preset_phase("Cu"))};
  g.materials = {{0, {1, 0, 0, 0}},
                 {0, texture::normalised({0.9, 0.3, -0.2, 0.1})},
                 {0, texture::normalised({0.5, 0.5, 0.5, 0.5})},
                 {0, texture::normalised({0.2, -0.7, 0.4, 0.5})}};
  for (int z = 0; z < 8; ++z)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) g.material.push_back((x < 4 ? 0 : 1) + (y < 4 ? 0 : 2));
  return g;
}

// One increment, then two more of which only the last is written (f_out = 2).
LoadCase two_steps() {
  auto lc = uniaxial_tension_z(1e-4, 0.5, 1);
  auto second = lc.steps[0];
  second.N = 2;
  second.f_out = 2;
  lc.steps.push_back(second);
  return lc;
}

damask::GridRunConfig fake_config(const core::Comm& comm) {
  damask::GridRunConfig c;
  c.executable = MSPIPE_FAKE_DAMASK_GRID;
  if (comm.size() > 1)
    c.launcher = std::vector<std::string>{"mpirun", "--oversubscribe", "--bind-to", "none", "-n", "{ranks}"};
  return c;
}

fs::path run_dir(const core::Comm& comm, const std::string& name) {
  return fs::current_path() / "test_scratch" / fmt::format("damask_runner_np{}", comm.size()) / name;
}

void set_mode(const char* mode) {
  if (mode) setenv("MSPIPE_FAKE_DAMASK_MODE", mode, 1);
  else unsetenv("MSPIPE_FAKE_DAMASK_MODE");
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double rel_diff(const Mat3& a, const Mat3& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

}  // namespace

TEST(DamaskGridRunner, FakeGridGivesTheInMemoryAverages) {
  const auto comm = world();
  const auto grid = small_grid();
  const auto load = two_steps();
  const SolverNumerics num;
  const auto mem = SpectralSolver(comm, grid, num).run(load);
  ASSERT_TRUE(mem.converged);
  set_mode(nullptr);
  const auto dir = run_dir(comm, "ok");
  const auto out = damask::run_damask_grid(comm, grid, load, num, fake_config(comm), dir);
  EXPECT_TRUE(out.ok) << out.message;
  EXPECT_TRUE(out.result.converged);
  ASSERT_EQ(out.result.increments.size(), mem.increments.size());
  ASSERT_EQ(mem.increments.size(), 3u);  // 0, 1 and 3
  double worst = 0;
  for (std::size_t i = 0; i < mem.increments.size(); ++i) {
    const auto &a = out.result.increments[i], &b = mem.increments[i];
    worst = std::max({worst, rel_diff(a.F_avg, b.F_avg),
                      i > 0 ? rel_diff(a.P_avg, b.P_avg) : 0.0, i > 0 ? rel_diff(a.sigma_avg, b.sigma_avg) : 0.0});
    EXPECT_EQ(a.increment, b.increment);
    EXPECT_EQ(a.time, b.time);
    EXPECT_EQ(a.iterations, b.iterations) << "increment " << b.increment;
    EXPECT_LT(rel_diff(a.F_avg, b.F_avg), 1e-12) << "increment " << b.increment;
    if (i == 0) continue;  // no stress in the initial state
    EXPECT_LT(rel_diff(a.P_avg, b.P_avg), 1e-12) << "increment " << b.increment;
    EXPECT_LT(rel_diff(a.sigma_avg, b.sigma_avg), 1e-12) << "increment " << b.increment;
  }
  EXPECT_GT(out.result.increments.back().sigma_avg(2, 2), 1e6);  // really loaded
  if (comm.is_root()) std::printf("largest relative difference of the averages: %.3g\n", worst);
  EXPECT_FALSE(fs::exists(dir)) << "work files of a successful run are removed";
}

TEST(DamaskGridRunner, FailuresEndWithAMessageNamingTheLog) {
  const auto comm = world();
  const auto grid = small_grid();
  const auto load = uniaxial_tension_z(1e-4, 0.5, 1);
  for (const char* mode : {"fail", "no_result", "garbage", "sleep"}) {
    set_mode(mode);
    auto config = fake_config(comm);
    // mpirun needs about 2 s to end a job whose rank failed: the timeout must not cut that.
    config.timeout_s = std::string(mode) == "sleep" ? 2.0 : 60.0;
    const auto dir = run_dir(comm, mode);
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = cpu_seconds();
    const auto out = damask::run_damask_grid(comm, grid, load, {}, config, dir);
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!comm.is_root() && std::string(mode) == "sleep") {
      // The ranks that do not launch sleep while they wait: a busy wait would burn ~2 s.
      EXPECT_LT(cpu_seconds() - cpu0, 0.3) << "waited " << waited << " s";
    }
    EXPECT_FALSE(out.ok) << mode;
    EXPECT_FALSE(out.result.converged) << mode;
    EXPECT_NE(out.message.find((dir / "damask_grid.log").string()), std::string::npos)
        << mode << ": " << out.message;
    EXPECT_LT(waited, 20.0) << mode;
    if (comm.is_root()) {
      EXPECT_TRUE(fs::exists(dir / "damask_grid.log")) << "kept for inspection";
    }
    if (std::string(mode) == "sleep") {
      EXPECT_NE(out.message.find("timed out"), std::string::npos) << out.message;
    }
    if (std::string(mode) == "fail") {
      EXPECT_NE(out.message.find("status 1"), std::string::npos) << out.message;
    }
  }
  set_mode(nullptr);
}

// A complete result from a run that then fails is kept (not converged); a run that exits
// 0 but lacks an increment the load case writes has failed.
TEST(DamaskGridRunner, ExitStatusAndIncrementsAreBothChecked) {
  const auto comm = world();
  const auto grid = small_grid();
  const auto load = uniaxial_tension_z(1e-4, 0.5, 1);
  set_mode("fail_late");
  auto out = damask::run_damask_grid(comm, grid, load, {}, fake_config(comm), run_dir(comm, "late"));
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.result.converged);
  EXPECT_NE(out.message.find("status 1"), std::string::npos) << out.message;
  EXPECT_EQ(out.result.increments.size(), 2u);
  set_mode("drop_last");
  out = damask::run_damask_grid(comm, grid, load, {}, fake_config(comm), run_dir(comm, "drop"));
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.message.find("has no increment 1"), std::string::npos) << out.message;
  EXPECT_EQ(out.result.increments.size(), 1u);
  set_mode(nullptr);
}

TEST(DamaskGridRunner, MissingExecutableFails) {
  const auto comm = world();
  auto config = fake_config(comm);
  config.executable = "/nonexistent/DAMASK_grid";
  const auto out = damask::run_damask_grid(comm, small_grid(), uniaxial_tension_z(1e-4, 0.5, 1), {},
                                           config, run_dir(comm, "missing"));
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.message.find("/nonexistent/DAMASK_grid"), std::string::npos) << out.message;
}
