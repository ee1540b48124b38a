// One DAMASK_grid case run twice, one after the other, on one rank: through mspipe's
// built-in engine and through the damask_grid engine (an installed DAMASK_grid on PATH,
// the same grid, load case and numerics, written by mspipe's writers, read back from
// DAMASK's result by mspipe's reader), then the two curves compared increment by
// increment (cp/damask/curve_check.hpp). tools/damask_check.sh runs it on cases B, D, E.
//
//   damask_check --case DIR --work DIR [--method auto|anderson|ngmres|newton_krylov]
//                [--executable DAMASK_grid] [--timeout S] [--rel-tol 1e-3]
//
// DIR holds geom.vti, load.yaml, material.yaml and optionally numerics.yaml.
// Exit 0: the curves agree; 1: they differ or a run failed; 2: command line; 4: input.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "cp/damask/curve_check.hpp"
#include "cp/damask/damask_files.hpp"
#include "cp/damask/damask_grid_engine.hpp"
#include "cp/engine.hpp"

using namespace mspipe;
namespace fs = std::filesystem;

namespace {

struct Options {
  std::string case_dir, work, executable = "DAMASK_grid", method = "auto";
  double timeout_s = 0, rel_tol = 1e-3;
};

int check(const core::Comm& world, const Options& o) {
  const fs::path dir(o.case_dir);
  cp::GridMaterial grid;
  cp::damask::read_material(dir / "material.yaml", grid);
  cp::damask::read_geometry(dir / "geom.vti", grid);
  const auto load = cp::damask::read_load(dir / "load.yaml");
  cp::SolverNumerics numerics;
  if (fs::exists(dir / "numerics.yaml")) cp::damask::read_numerics(dir / "numerics.yaml", numerics);
  numerics.method = cp::resolve_method(cp::parse_snes_method(o.method), grid);

  cp::damask::GridRunConfig config;
  config.executable = o.executable;
  config.work_dir = o.work;
  config.keep_files = true;
  config.timeout_s = o.timeout_s;
  const cp::SpectralEngine builtin(numerics);
  const cp::damask::DamaskGridEngine damask(config, numerics);

  const auto timed = [&](const cp::Engine& e) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = e.run(world, grid, load, 0);
    r.result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };
  const auto a = timed(builtin);
  const auto b = timed(damask);
  const auto agreement =
      cp::damask::compare_curves(a.result, b.result, load, {.rel_sigma = o.rel_tol});
  if (!world.is_root()) return agreement.ok() && b.status == cp::RunStatus::converged ? 0 : 1;
  fmt::print("case {}: {} cells, {}\n", dir.filename().string(), grid.material.size(),
             cp::describe(load));
  fmt::print("mspipe ({}): {}, {:.2f} s; damask_grid: {}, {:.2f} s ({})\n", cp::snes_method_name(numerics.method),
             cp::status_name(a.status), a.result.wall_s, cp::status_name(b.status), b.result.wall_s,
             (fs::path(o.work) / "ve_0").string());
  if (!b.message.empty()) fmt::print("damask_grid: {}\n", b.message);
  fmt::print("{}", cp::damask::format_agreement(agreement, "mspipe", "DAMASK"));
  const bool ok = agreement.ok() && a.status == cp::RunStatus::converged &&
                  b.status == cp::RunStatus::converged;
  fmt::print("{}: max |d sigma_zz|/|sigma_zz| = {:.2e} (tolerance {:.0e})\n",
             ok ? "AGREE" : "DIFFER", agreement.max_rel_sigma, o.rel_tol);
  // One line for scripts: case, verdict, max relative difference, wall times, iterations.
  const auto iterations = [](const cp::SimulationResult& r) {
    int n = 0;
    for (const auto& i : r.increments) n += i.iterations;
    return n;
  };
  fmt::print("summary: {} {} {:.2e} {:.2f} {:.2f} {} {}\n", dir.filename().string(),
             ok ? "agree" : "differ", agreement.max_rel_sigma, a.result.wall_s, b.result.wall_s,
             iterations(a.result), iterations(b.result));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("mspipe's built-in engine against DAMASK_grid on one case");
  Options o;
  app.add_option("--case", o.case_dir,
                 "Folder with geom.vti, load.yaml, material.yaml [numerics.yaml]")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--work", o.work, "Work folder (DAMASK_grid's files are kept in <work>/ve_0)")
      ->required();
  app.add_option("--executable", o.executable, "DAMASK_grid (a path or a name on PATH)");
  app.add_option("--method", o.method, "mspipe's nonlinear solver")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(cp::snes_method_names), std::end(cp::snes_method_names))));
  app.add_option("--timeout", o.timeout_s, "Limit for DAMASK_grid in s (0: none)");
  app.add_option("--rel-tol", o.rel_tol, "Relative tolerance on sigma_zz per increment");
  CLI11_PARSE(app, argc, argv);
  core::MpiSession mpi(argc, argv);
  try {
    return check(mpi.world(), o);
  } catch (const core::CollectiveError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 4;
  }
}
