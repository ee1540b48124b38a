// mspipe cp --geom g.vti --load l.yaml --material m.yaml [--numerics n.yaml] [--out r.h5]
// Runs DAMASK_grid's supported subset (Hooke + phenopowerlaw, spectral_basic) with
// mspipe's spectral solver; prints one line per increment and writes the volume
// averages to r.h5 and r.csv.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/format.h>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/output_path.hpp"
#include "core/threads.hpp"
#include "cp/damask/damask_files.hpp"
#include "cp/damask/result_files.hpp"
#include "cp/spectral_solver.hpp"
#include "pipeline/command.hpp"

namespace mspipe::pipeline {

namespace {

struct CpOptions {
  std::string geom, load, material, numerics, out, fields;
  std::string method = "auto";
  int threads = 1;
  bool verbose = false;
  bool explicit_twin_fraction = false;
  bool one_point_at_a_time = false;
};

std::string default_output(const CpOptions& o) {
  namespace fs = std::filesystem;
  return fmt::format("{}_{}_{}.h5", fs::path(o.geom).stem().string(), fs::path(o.load).stem().string(),
                     fs::path(o.material).stem().string());
}

int run_cp(const CpOptions& o, const core::Comm& world) {
  core::set_threads(o.threads);
  cp::GridMaterial grid;
  cp::LoadCase load;
  cp::SolverNumerics num;
  // Every rank reads the (small) inputs and so finds the same problems.
  cp::damask::read_material(o.material, grid);
  cp::damask::read_geometry(o.geom, grid);
  for (auto id : grid.material)
    if (id >= static_cast<std::int32_t>(grid.materials.size()))
      throw core::InputError(core::format_error(
          o.geom, fmt::format("material id {} but {} lists only {} materials", id, o.material,
                              grid.materials.size())));
  load = cp::damask::read_load(o.load);
  if (!o.numerics.empty()) cp::damask::read_numerics(o.numerics, num);
  num.method = cp::parse_snes_method(o.method);
  num.verbose = o.verbose;
  num.material.implicit_twin_fraction = !o.explicit_twin_fraction;
  num.material.lockstep = !o.one_point_at_a_time;
  const std::filesystem::path out = o.out.empty() ? default_output(o) : o.out;
  std::vector<core::OutputPath> outputs{{out, "--out", "", core::OutputPath::Kind::file},
                                        {cp::csv_beside(out), "--out (the .csv beside it)", "", core::OutputPath::Kind::file}};
  if (!o.fields.empty()) outputs.push_back({o.fields, "--fields", "", core::OutputPath::Kind::file});
  core::prepare_outputs(world, outputs);

  cp::SpectralSolver solver(world, grid, num);
  if (world.is_root())
    fmt::print("{:>5} {:>10} {:>10} {:>14} {:>6}\n", "inc", "time/s", "eps_zz", "sigma_zz/MPa", "iter");
  const auto result = solver.run(load, [&](const cp::IncrementResult& r) {
    if (!world.is_root()) return;
    fmt::print("{:>5} {:>10.4g} {:>10.6f} {:>14.6f} {:>6}{}{}\n", r.increment, r.time, r.F_avg(2, 2) - 1.0,
               r.sigma_avg(2, 2) * 1e-6, r.iterations,
               r.cutbacks > 0 ? fmt::format("  cutbacks {}", r.cutbacks) : "",
               r.converged ? "" : "  not converged");
    std::fflush(stdout);
  });
  // The result is written first and each output on its own: a failure on one (a full
  // disk, a folder removed meanwhile) names what was still saved instead of losing it all.
  std::vector<std::string> saved, failed;
  const auto attempt = [&](const std::filesystem::path& file, auto&& write) {
    try {
      core::collective(world, write);
      saved.push_back(file.string());
    } catch (const core::CollectiveError& e) {
      failed.push_back(e.what());
    }
  };
  attempt(out, [&] {
    if (world.is_root()) cp::write_result_h5(out, result, grid, std::string(cp::snes_method_name(result.method)));
  });
  attempt(cp::csv_beside(out), [&] {
    if (world.is_root()) cp::write_result_csv(cp::csv_beside(out), result);
  });
  if (!o.fields.empty()) attempt(o.fields, [&] { cp::write_fields_vti(o.fields, solver, grid, world); });
  if (!failed.empty()) {
    std::string message;
    for (const auto& f : failed) message += f + "\n";
    message += saved.empty() ? "nothing was saved" : "saved: " + fmt::format("{}", fmt::join(saved, ", "));
    throw core::InputError(message);
  }
  if (world.is_root())
    fmt::print("{} in {:.2f} s on {} rank(s) ({}): {} and {}\n",
               result.converged ? "converged" : "NOT CONVERGED (after all cutbacks)", result.wall_s,
               world.size(), cp::snes_method_name(result.method), out.string(), cp::csv_beside(out).string());
  return result.converged ? 0 : static_cast<int>(core::ExitCode::failure);
}

}  // namespace

void add_cp_commands(CommandRegistry& reg) {
  auto* sub = reg.app().add_subcommand(
      "cp", "Crystal plasticity on a DAMASK_grid case (Hooke + phenopowerlaw, spectral_basic)");
  auto o = std::make_shared<CpOptions>();
  sub->add_option("--geom,-g", o->geom, "Geometry (VTK image data, cell array 'material')")->required();
  sub->add_option("--load,-l", o->load, "DAMASK load case (YAML)")->required();
  sub->add_option("--material,-m", o->material, "DAMASK material configuration (YAML)")->required();
  sub->add_option("--numerics,-n", o->numerics, "DAMASK numerics (YAML)");
  sub->add_option("--out,-o", o->out, "Result file (HDF5; a .csv is written beside it)");
  sub->add_option("--fields", o->fields, "Also write the final F and P fields to this .vti (ParaView)");
  sub->add_option("--method", o->method,
                  "Nonlinear solver (auto: Newton-Krylov for hexagonal phases, Anderson otherwise)")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(cp::snes_method_names), std::end(cp::snes_method_names))));
  sub->add_option("--threads", o->threads, "OpenMP threads per rank")->check(CLI::PositiveNumber);
  sub->add_flag("--verbose,-v", o->verbose, "Print every residual evaluation");
  sub->add_flag("--explicit-twin-fraction", o->explicit_twin_fraction,
                "DAMASK v3.0.2's state iteration (twinned fraction from the last iterate; stalls where grains twin through)");
  sub->add_flag("--one-point-at-a-time", o->one_point_at_a_time,
                "Integrate material points one after the other instead of in lock-step SIMD lanes (same results; for comparisons)");
  reg.add(sub, [o](const core::Comm& world) { return run_cp(*o, world); });
}

}  // namespace mspipe::pipeline
