// [simulate]: input (VE set), output, material (see cp::read_material_choice),
// [simulate.load], ranks_per_sim, count (0: all), downsample (keep every n-th voxel per
// axis), engine and its tables (see cp::damask::read_engine).
// Writes <output_dir>/<output> (io/cp_results.hpp).
#include "pipeline/simulate_stage.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/threads.hpp"
#include "cp/damask/damask_grid_engine.hpp"
#include "cp/simulation.hpp"
#include "io/cp_results.hpp"
#include "io/ve_set.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

static_assert(int(cp::RunStatus::converged) == int(io::CpStatus::converged) &&
              int(cp::RunStatus::not_converged) == int(io::CpStatus::not_converged) &&
              int(cp::RunStatus::failed) == int(io::CpStatus::failed));

namespace {

// The rows one group simulated, in the order it simulated them (its root's copy).
struct GroupRows {
  std::vector<std::int64_t> index, ve_id, iterations;
  std::vector<std::int8_t> status;
  std::vector<double> wall_s, stress, strain;
};

void append(GroupRows& rows, std::int64_t index, std::int64_t ve_id, const cp::EngineRun& run, int points) {
  const auto curve = cp::stress_curve(run.result, points);
  rows.index.push_back(index);
  rows.ve_id.push_back(ve_id);
  rows.status.push_back(static_cast<std::int8_t>(run.status));
  rows.iterations.push_back(curve.iterations);
  rows.wall_s.push_back(run.result.wall_s);
  rows.stress.insert(rows.stress.end(), curve.stress.begin(), curve.stress.end());
  rows.strain.insert(rows.strain.end(), curve.strain.begin(), curve.strain.end());
}

// Rank 0 puts the gathered rows in set order. The strain column is the load's, the same
// for every VE: it is taken from the first VE that reached each point.
io::CpResultTable assemble(const GroupRows& all, std::int64_t n, int points, const std::string& material) {
  io::CpResultTable t;
  t.material = material;
  t.points = points;
  const auto un = std::size_t(n), up = std::size_t(points);
  t.ve_id.resize(un);
  t.status.resize(un);
  t.iterations.resize(un);
  t.wall_s.resize(un);
  t.stress.resize(un * up * 6);
  t.strain.assign(up, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::size_t> row_of(un);
  for (std::size_t r = 0; r < all.index.size(); ++r) row_of[std::size_t(all.index[r])] = r;
  for (std::size_t i = 0; i < un; ++i) {
    const std::size_t r = row_of[i];
    t.ve_id[i] = all.ve_id[r];
    t.status[i] = static_cast<io::CpStatus>(all.status[r]);
    t.iterations[i] = all.iterations[r];
    t.wall_s[i] = all.wall_s[r];
    std::copy_n(all.stress.begin() + std::ptrdiff_t(r * up * 6), up * 6, t.stress.begin() + std::ptrdiff_t(i * up * 6));
    for (std::size_t k = 0; k < up; ++k)
      if (std::isnan(t.strain[k])) t.strain[k] = all.strain[r * up + k];
  }
  return t;
}

}  // namespace

void run_simulations(const core::Comm& world, const SimulateJob& job, const cp::Engine& engine) {
  const auto config_error = [](const std::string& where, const std::string& what) {
    return core::ConfigError(core::format_error(where.empty() ? std::string("[simulate]") : where, what));
  };
  if (world.size() % job.ranks_per_sim != 0)
    throw config_error(job.ranks_per_sim_where, fmt::format("simulate.ranks_per_sim: {} does not divide the {} ranks",
                                                            job.ranks_per_sim, world.size()));
  std::optional<io::VeSetReader> reader;
  core::collective(world, [&] { reader.emplace(job.input); });
  if (reader->header().size % job.downsample != 0)
    throw config_error(job.downsample_where, fmt::format("simulate.downsample: {} does not divide the VE size {}",
                                                         job.downsample, reader->header().size));
  const std::int64_t n = job.count > 0 ? std::min(job.count, reader->count()) : reader->count();
  const int groups = world.size() / job.ranks_per_sim;
  const int group = world.rank() / job.ranks_per_sim;
  const core::Comm comm = world.split(group, world.rank());
  const int points = job.load.total_increments() + 1;

  GroupRows mine;
  for (std::int64_t i = group; i < n; i += groups) {
    const auto ve = reader->read(i);
    const auto run = engine.run(comm, cp::grid_from_ve(ve, job.phase, job.downsample), job.load, ve.id);
    if (!comm.is_root()) continue;
    append(mine, i, ve.id, run, points);
    core::log::info("simulate: VE {} {} in {:.1f} s (group {})", ve.id, cp::status_name(run.status),
                    run.result.wall_s, group);
  }
  GroupRows all;
  all.index = world.gatherv(std::span<const std::int64_t>(mine.index));
  all.ve_id = world.gatherv(std::span<const std::int64_t>(mine.ve_id));
  all.iterations = world.gatherv(std::span<const std::int64_t>(mine.iterations));
  all.status = world.gatherv(std::span<const std::int8_t>(mine.status));
  all.wall_s = world.gatherv(std::span<const double>(mine.wall_s));
  all.stress = world.gatherv(std::span<const double>(mine.stress));
  all.strain = world.gatherv(std::span<const double>(mine.strain));
  core::on_root(world, [&] {
    const auto table = assemble(all, n, points, job.phase.name);
    io::write_cp_results(job.output, table);
    const auto converged = std::count(table.status.begin(), table.status.end(), io::CpStatus::converged);
    core::log::info("simulate: {} of {} VEs converged -> {}", converged, n, job.output.string());
  });
}

namespace {

class SimulateStage final : public Stage {
 public:
  std::string_view name() const override { return "simulate"; }
  std::vector<std::string> sections() const override { return {"simulate"}; }

  void configure(const core::Section& root, const RunContext& ctx) override {
    const auto s = root.section("simulate");
    job_.input = ctx.output_dir / s.string("input", "ve.h5");
    job_.output = ctx.output_dir / s.string("output", "cp_results.h5");
    output_where_ = s.where("output");
    job_.phase = cp::read_material_choice(s);
    if (auto l = s.optional_section("load")) job_.load = cp::read_load(*l);
    else job_.load = cp::uniaxial_tension_z(1e-3, 10.0, 20);
    job_.ranks_per_sim = static_cast<int>(s.integer("ranks_per_sim", 1, core::Range::at_least(1)));
    job_.ranks_per_sim_where = s.where("ranks_per_sim");
    job_.count = s.integer("count", 0, core::Range::non_negative());
    job_.downsample = static_cast<int>(s.integer("downsample", 1, core::Range::at_least(1)));
    job_.downsample_where = s.where("downsample");
    engine_ = cp::damask::read_engine(s, ctx.output_dir, job_.ranks_per_sim);
    threads_ = ctx.threads;
    s.finish();
  }

  std::vector<core::OutputPath> outputs() const override {
    return {{job_.output, "simulate.output", output_where_, core::OutputPath::Kind::file}};
  }

  void run(const core::Comm& world, const RunContext&) override {
    core::set_threads(threads_);
    run_simulations(world, job_, *engine_);
  }

 private:
  SimulateJob job_;
  std::string output_where_;
  std::unique_ptr<cp::Engine> engine_;
  int threads_ = 1;
};

}  // namespace

std::unique_ptr<Stage> make_simulate_stage() { return std::make_unique<SimulateStage>(); }

}  // namespace mspipe::pipeline
