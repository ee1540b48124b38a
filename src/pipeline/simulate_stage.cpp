// [simulate]: input (VE set), output, material (preset name, a TOML file with [material],
// or a [simulate.material] table), [simulate.load], [simulate.numerics], ranks_per_sim,
// count (0: all), downsample (keep every n-th voxel per axis), engine: "mspipe" (our
// spectral solver, default) or "damask_grid" (an installed DAMASK_grid run per VE from the
// same inputs, see cp/damask/damask_grid_runner.hpp; [simulate.damask_grid]: executable,
// launcher, work_dir, keep_files, timeout_s; a failed run is a VE with status 1).
// Writes <output_dir>/<output>: /ve_id, /stress (N, increments+1, 6) in Pa
// (σ11 σ22 σ33 σ23 σ13 σ12), /strain, /status (0 converged, 1 not converged),
// /iterations, /wall_s.
#include "pipeline/simulate_stage.hpp"

#include <fmt/core.h>

#include <cmath>
#include <fstream>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "cp/damask/damask_grid_runner.hpp"
#include "cp/simulation.hpp"
#include "io/hdf5.hpp"
#include "io/ve_set.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

namespace {

class SimulateStage final : public Stage {
 public:
  std::string_view name() const override { return "simulate"; }
  std::vector<std::string> sections() const override { return {"simulate"}; }

  void configure(const core::Section& root, const RunContext& ctx) override {
    const auto s = root.section("simulate");
    input_ = ctx.output_dir / s.string("input", "ve.h5");
    output_ = ctx.output_dir / s.string("output", "cp_results.h5");
    output_where_ = s.where("output");
    std::optional<core::Section> table;
    try {
      table = s.optional_section("material");  // an inline [simulate.material] table ...
    } catch (const core::ConfigError&) {        // ... or a preset name / file name
    }
    if (table) {
      phase_ = cp::read_material(*table);
    } else {
      const std::string mat = s.string("material", "Cu");
      if (mat == "Cu" || mat == "Mg") {
        phase_ = cp::make_phase(cp::preset_phase(mat));
      } else {
        const auto cfg = core::Config::parse(read_text(mat, s), mat);
        phase_ = cp::read_material(cfg.root().section("material"));
      }
    }
    material_name_ = phase_.name;
    if (auto l = s.optional_section("load")) load_ = cp::read_load(*l);
    else load_ = cp::uniaxial_tension_z(1e-3, 10.0, 20);
    if (auto n = s.optional_section("numerics")) numerics_ = cp::read_numerics(*n);
    ranks_per_sim_ = static_cast<int>(s.integer("ranks_per_sim", 1, core::Range::at_least(1)));
    count_ = s.integer("count", 0, core::Range::non_negative());
    downsample_ = static_cast<int>(s.integer("downsample", 1, core::Range::at_least(1)));
    engine_ = s.string("engine", "mspipe", {"mspipe", "damask_grid"});
    if (engine_ == "damask_grid")
      damask_ = cp::damask::read_grid_run_config(s, ctx.output_dir, ranks_per_sim_);
    threads_ = ctx.threads;
    s.finish();
  }

  std::vector<core::OutputPath> outputs() const override {
    return {{output_, "simulate.output", output_where_, core::OutputPath::Kind::file}};
  }

  void run(const core::Comm& world, const RunContext&) override {
#ifdef _OPENMP
    omp_set_num_threads(std::max(1, threads_));
#endif
    if (world.size() % ranks_per_sim_ != 0)
      throw core::ConfigError(fmt::format("simulate.ranks_per_sim = {} does not divide the {} ranks",
                                          ranks_per_sim_, world.size()));
    std::optional<io::VeSetReader> reader;
    core::collective(world, core::ExitCode::input, [&] { reader.emplace(input_); });
    if (reader->header().size % downsample_ != 0)
      throw core::ConfigError(fmt::format("simulate.downsample = {} does not divide the VE size {}",
                                          downsample_, reader->header().size));
    const std::int64_t n = count_ > 0 ? std::min(count_, reader->count()) : reader->count();
    const int groups = world.size() / ranks_per_sim_;
    const int group = world.rank() / ranks_per_sim_;
    const core::Comm comm = world.split(group, world.rank());
    const int points = load_.total_increments() + 1;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // Every rank fills its group's rows (group roots only); a sum gathers them.
    std::vector<double> stress(std::size_t(n) * points * 6, 0.0), strain(points, 0.0);
    std::vector<double> status(n, 0.0), iterations(n, 0.0), wall(n, 0.0), ids(n, 0.0);
    for (std::int64_t i = group; i < n; i += groups) {
      const auto ve = reader->read(i);
      const auto grid = cp::grid_from_ve(ve, phase_, downsample_);
      const auto r = engine_ == "damask_grid"
                         ? cp::damask::simulate_with_damask_grid(comm, grid, load_, numerics_, damask_, ve.id)
                         : cp::SpectralSolver(comm, grid, numerics_).run(load_);
      if (!comm.is_root()) continue;
      ids[i] = double(ve.id);
      status[i] = r.converged ? 0 : 1;
      wall[i] = r.wall_s;
      for (std::size_t k = 0; k < std::size_t(points); ++k) {
        const bool have = k < r.increments.size() && r.increments[k].converged;
        const auto v = have ? cp::voigt_stress(r.increments[k].sigma_avg) : std::array<double, 6>{};
        for (int c = 0; c < 6; ++c) stress[(std::size_t(i) * points + k) * 6 + c] = have ? v[c] : nan;
        if (have) iterations[i] += r.increments[k].iterations;
        if (i == group && have) strain[k] = r.increments[k].F_avg(2, 2) - 1.0;
      }
      core::log::info("simulate: VE {} {} in {:.1f} s (group {})", ve.id,
                      r.converged ? "converged" : "NOT converged", r.wall_s, group);
    }
    for (auto* v : {&stress, &status, &iterations, &wall, &ids})
      world.allreduce_inplace(std::span<double>(v->data(), v->size()), MPI_SUM);
    world.allreduce_inplace(std::span<double>(strain.data(), strain.size()), MPI_MAX);
    core::collective(world, core::ExitCode::input, [&] {
      if (!world.is_root()) return;
      auto f = io::h5::File::create(output_);
      const auto& root = f.root();
      root.write_attribute("schema", "mspipe.cp_campaign");
      root.write_attribute("schema_version", std::int64_t{1});
      root.write_attribute("material", material_name_);
      root.write_attribute("stress_components", "sigma_11 sigma_22 sigma_33 sigma_23 sigma_13 sigma_12");
      std::vector<std::int64_t> id64(ids.begin(), ids.end()), it64(iterations.begin(), iterations.end());
      std::vector<std::int8_t> st8(status.begin(), status.end());
      const auto un = std::size_t(n);
      root.write_dataset<std::int64_t>("ve_id", {un}, id64);
      root.write_dataset<double>("stress", {un, std::size_t(points), 6}, stress).write_attribute("unit", "Pa");
      root.write_dataset<double>("strain", {std::size_t(points)}, strain);
      root.write_dataset<std::int8_t>("status", {un}, st8);
      root.write_dataset<std::int64_t>("iterations", {un}, it64);
      root.write_dataset<double>("wall_s", {un}, wall);
      f.commit();
    });
    int converged = 0;
    for (double s : status) converged += s == 0;
    core::log::info("simulate: {} of {} VEs converged -> {}", converged, n, output_.string());
  }

 private:
  static std::string read_text(const std::string& file, const core::Section& s) {
    std::ifstream in(file);
    if (!in) s.fail("material", fmt::format("'{}' is neither Cu, Mg nor a readable TOML file", file));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::path input_, output_;
  std::string output_where_;
  cp::Phase phase_;
  std::string material_name_;
  cp::LoadCase load_;
  cp::SolverNumerics numerics_;
  std::string engine_;
  cp::damask::GridRunConfig damask_;
  int ranks_per_sim_ = 1, threads_ = 1, downsample_ = 1;
  std::int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<Stage> make_simulate_stage() { return std::make_unique<SimulateStage>(); }

}  // namespace mspipe::pipeline
