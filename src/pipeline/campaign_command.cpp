// mspipe campaign merge DIR [-o FILE] [--first-id A --count N] [--max-attempts K]
// Joins the shards and journals of a campaign folder (every collector, every job of an
// array) into one campaign.h5 sorted by id (campaign::merge); default FILE DIR/../campaign.h5.
// Under `mpirun -n K` the K ranks write the file together (parallel HDF5).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <optional>

#include "campaign/merge.hpp"
#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/output_path.hpp"
#include "pipeline/command.hpp"

namespace mspipe::pipeline {

namespace {

struct MergeCommand {
  std::string dir, out;
  std::optional<std::int64_t> first_id, count;
  int max_attempts = 3;
};

int run_merge(const MergeCommand& o, const core::Comm& world) {
  const std::filesystem::path dir = o.dir;
  const std::filesystem::path out = o.out.empty() ? dir.parent_path() / "campaign.h5" : std::filesystem::path(o.out);
  core::on_root(world, [&] {
    if (!std::filesystem::is_directory(dir))
      throw core::InputError(core::format_error(dir.string(), "not a campaign folder"));
    core::prepare_output({out, "-o", "", core::OutputPath::Kind::file});
  });
  campaign::MergeOptions m;
  m.first_id = o.first_id;
  m.count = o.count;
  m.max_attempts = o.max_attempts;
  // Every rank of the job writes its block of rows (parallel HDF5); one rank is the
  // serial case of the same code.
  const auto s = campaign::merge(dir, out, m, world);
  core::on_root(world, [&] {
    core::log::info("campaign merge: {} rows from {} records ({} converged, {} not converged, {} failed, {} timeout, "
                    "{} interrupted) -> {}",
                    s.rows, s.records_read, s.per_status[0], s.per_status[1], s.per_status[2], s.per_status[3],
                    s.per_status[4], out.string());
  });
  return 0;
}

}  // namespace

void add_campaign_commands(CommandRegistry& reg) {
  auto* campaign = reg.app().add_subcommand("campaign", "Campaign files (run a campaign with 'mspipe CONFIG')");
  campaign->require_subcommand(1);
  auto o = std::make_shared<MergeCommand>();
  auto* merge = campaign->add_subcommand("merge", "Join a campaign folder's shards into one campaign.h5");
  merge->add_option("dir", o->dir, "The campaign folder (<output_dir>/campaign)")->required();
  merge->add_option("-o,--output", o->out, "The merged file (default: DIR/../campaign.h5)");
  merge->add_option("--first-id", o->first_id, "First id the campaign must hold (default 0 with --count)");
  merge->add_option("--count", o->count, "Number of ids the campaign must hold: missing ones are an error");
  merge->add_option("--max-attempts", o->max_attempts, "campaign.max_attempts of the run (which failures are final)")
      ->check(CLI::PositiveNumber);
  reg.add(merge, [o](const core::Comm& world) { return run_merge(*o, world); });
}

}  // namespace mspipe::pipeline
