#include "pipeline/campaign_dry_run.hpp"

#include <fmt/core.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "campaign/collectors.hpp"
#include "campaign/record.hpp"
#include "campaign/state.hpp"
#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/partition.hpp"
#include "cp/simulation.hpp"
#include "pipeline/campaign_stage.hpp"
#include "pipeline/campaign_worker.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // kB on Linux
}

std::string bytes_text(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) b /= 1000, ++u;
  return fmt::format("{:.3g} {}", b, units[u]);
}

// Mean wall_s of the simulations a previous run recorded (converged or not), and how many.
std::pair<double, std::size_t> recorded_seconds(const std::filesystem::path& folder) {
  if (!std::filesystem::exists(folder)) return {0, 0};
  const auto scan = campaign::scan_folder(folder, true, nullptr);
  double sum = 0;
  std::size_t n = 0;
  for (const auto& rows : scan.rows)
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows.status[i] == 0 || rows.status[i] == 1) sum += rows.wall_s[i], ++n;
  return {n ? sum / double(n) : 0.0, n};
}

// Memory of one solver rank: the solver's per-cell arrays, PETSc's vectors and the
// Anderson history, FFT buffers and the material state come to about 6.8 kB per grid
// cell for Mg with the default scheme (README "Memory", counted field by field and
// checked against the measured slope; Cu ~6.3 kB): a 64^3 grid on one rank ~1.8 GB.
constexpr double kSolverBytesPerCell = 6.8e3;

}  // namespace

double calibrate_one_ve(const core::Comm& self, const CampaignConfig& config, std::uint64_t seed, double budget_s,
                        double& rss_mb) {
  CampaignVes ves(config, seed);
  const double before = peak_rss_mb();
  const auto grid = cp::grid_from_ve(ves.get(config.first_id), config.phase, config.downsample);
  const auto t0 = std::chrono::steady_clock::now();
  const auto over = [&] { return std::chrono::steady_clock::now() - t0 > std::chrono::duration<double>(budget_s); };
  const auto run = config.engine->run_with_stop(self, grid, config.load, config.first_id, over);
  rss_mb = peak_rss_mb() - before;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int total = config.load.total_increments();
  int done = 0;
  for (const auto& inc : run.result.increments)
    if (inc.increment > 0 && inc.converged) done = inc.increment;
  if (run.status != cp::RunStatus::stopped) return wall;  // it finished (or failed) within the budget
  // No increment within the budget: each takes longer than the budget (a lower bound).
  return done > 0 ? wall / done * total : -wall * total;
}

void campaign_dry_run(const core::Comm& world, const CampaignConfig& config, const RunContext& ctx,
                      std::int64_t vae_latent) {
  const bool have_files = !config.ve_set || std::filesystem::exists(*config.ve_set);
  CampaignInputs inputs;
  if (have_files) core::collective(world, [&] { inputs = check_campaign_inputs(config); });
  const auto plan = make_campaign_plan(config, inputs, ctx.seed, ctx.options.shard, ctx.options.num_shards,
                                       world.size(), have_files ? fingerprint_length(config, int(vae_latent)) : vae_latent);
  const auto& l = config.layout;
  const int groups = l.groups(world.size());
  core::on_root(world, [&] {
    core::log::info("campaign dry run ({} ranks): {}", world.size(), campaign::describe(l));
    core::log::info("  roles: {} collector(s), {} trainer(s), {} worker group(s) of {} rank(s)", l.collectors,
                    l.trainers, groups, l.ranks_per_sim);
    if (l.collectors > 1)
      for (int c = 0; c < l.collectors; ++c) {
        const auto share = campaign::share_of(l, world.size(), c);
        const auto ids = campaign::ids_of(l, world.size(), c, plan.farm.first_id, plan.farm.count);
        core::log::info("  collector {}: ids {}..{} ({}), {} group(s), {} trainer(s), files of collector {}", c,
                        ids.first_id, ids.first_id + ids.count - 1, ids.count, share.groups, share.trainers,
                        campaign::storage_index(l, ctx.options.shard, c));
      }
    core::log::info("  VEs: ids {}..{} ({}{}), {}", plan.farm.first_id, plan.farm.first_id + plan.farm.count - 1,
                    plan.farm.count,
                    ctx.options.num_shards > 1
                        ? fmt::format(", shard {} of {} of {}", ctx.options.shard, ctx.options.num_shards, config.count)
                        : std::string(),
                    config.ve_set ? "from " + config.ve_set->string() : std::string("generated on the fly"));
    if (!have_files) core::log::info("  {} does not exist yet (an earlier stage makes it)", config.ve_set->string());
    const campaign::RecordLayout rl{plan.identity.fingerprint_length, plan.identity.points};
    const double rows = double(rl.encoded_size(0)) * double(plan.farm.count);
    core::log::info("  output: {} (campaign.h5, {} values per record) and as much again in campaign/ shards",
                    bytes_text(rows), rl.fingerprint_length + rl.points * 6);
    if (inputs.edge > 0) {
      const double cells = std::pow(double(inputs.edge / config.downsample), 3);
      core::log::info("  memory: about {} per worker rank ({}^3 cells over {} rank(s)), {} on the collector",
                      bytes_text(kSolverBytesPerCell * cells / l.ranks_per_sim), inputs.edge / config.downsample,
                      l.ranks_per_sim, bytes_text(2.0 * double(rl.encoded_size(0)) * double(config.shard_size)));
    }
  });

  // Seconds per simulation on one rank: a previous run's record, or a calibration.
  double sim_s = 0, rss = 0;
  std::string source;
  const auto self = world.split(world.rank(), 0);
  core::on_root(world, [&] {
    const auto [mean, n] = recorded_seconds(config.folder);
    if (n > 0) {
      // Recorded on groups of ranks_per_sim ranks: core-seconds are wall times that many.
      sim_s = mean * l.ranks_per_sim;
      source = fmt::format("the {} simulations recorded in {}", n, config.folder.string());
    } else if (have_files && config.engine_name == "mspipe") {
      sim_s = calibrate_one_ve(self, config, ctx.seed, 60.0, rss);
      source = fmt::format("a calibration run of VE {} on one rank (peak memory +{:.0f} MB)", config.first_id, rss);
      if (sim_s < 0) {
        sim_s = -sim_s;
        source += ", no increment done in 60 s: a lower bound";
      }
    }
  });
  world.bcast(sim_s);
  core::on_root(world, [&] {
    if (sim_s <= 0) {
      core::log::info("  core-hours: no estimate (no recorded run, no calibration possible)");
      return;
    }
    const double sim_core_h = sim_s * double(plan.farm.count) / 3600.0;
    const double wall_h = sim_core_h / double(groups * l.ranks_per_sim);
    core::log::info("  time: {:.1f} core-s per simulation, from {}", sim_s, source);
    core::log::info("  estimate: {:.3g} core-hours of simulation; about {:.3g} h on {} ranks ({:.3g} core-hours "
                    "for the job)",
                    sim_core_h, wall_h, world.size(), wall_h * world.size());
  });
}

}  // namespace mspipe::pipeline
