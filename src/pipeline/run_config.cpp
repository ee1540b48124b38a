#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/output_path.hpp"
#include "pipeline/command.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

namespace {
std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

RunContext read_run_context(const core::Section& root, const std::filesystem::path& config) {
  RunContext ctx;
  ctx.output_dir = "results/" + config.stem().string();
  if (auto run = root.optional_section("run")) {
    ctx.output_dir = run->string("output_dir", ctx.output_dir.string());
    ctx.seed = static_cast<std::uint64_t>(run->integer("seed", 0, core::Range::non_negative()));
    ctx.threads = static_cast<int>(run->integer("threads", 1, core::Range::positive()));
  }
  return ctx;
}

void Stage::dry_run(const core::Comm&, const RunContext&) {
  core::log::info("{}: runs as configured (no estimate for this stage)", name());
}

int run_config(const std::filesystem::path& config, const core::Comm& world, const RunOptions& options) {
  const auto cfg = core::load_config(config, world);
  const auto root = cfg.root();
  const auto run = root.section("run");  // a job names its stages: [run] is required here

  RunContext ctx = read_run_context(root, config);
  ctx.world_size = world.size();
  ctx.options = options;
  const auto names = run.strings("stages");
  for (const auto& n : names) {
    const auto& known = known_stages();
    if (std::find(known.begin(), known.end(), n) == known.end())
      run.fail("stages", fmt::format("unknown stage \"{}\" (known stages: {})", n, joined(known)));
  }
  run.finish();

  // Configure every stage before any runs, so that a mistake anywhere stops the job
  // before hours of work.
  std::vector<std::unique_ptr<Stage>> stages;
  std::vector<std::string> used;  // sections the configured stages read
  for (const auto& n : known_stages()) {
    if (std::find(names.begin(), names.end(), n) == names.end()) continue;
    auto stage = make_stage(n);
    stage->configure(root, ctx);
    for (auto& sec : stage->sections()) used.push_back(std::move(sec));
    stages.push_back(std::move(stage));
  }
  for (const auto& n : known_stages()) {
    if (std::find(names.begin(), names.end(), n) != names.end()) continue;
    for (const auto& sec : stage_sections(n))
      if (root.has(sec) && std::find(used.begin(), used.end(), sec) == used.end())
        core::log::info("note: [{}] is not used: stage \"{}\" is not in run.stages", sec, n);
  }
  root.finish();
  if (options.num_shards > 1 && std::none_of(stages.begin(), stages.end(), [](const auto& s) {
        return s->name() == "campaign";
      }))
    run.fail("stages", "--shard needs the \"campaign\" stage");

  if (options.dry_run) {
    core::log::info("mspipe: {} on {} rank(s), dry run: nothing is computed or written", config.string(),
                    world.size());
    for (auto& stage : stages) stage->dry_run(world, ctx);
    return 0;
  }

  std::vector<core::OutputPath> outputs{
      {ctx.output_dir, "run.output_dir", run.where("output_dir"), core::OutputPath::Kind::folder}};
  for (const auto& stage : stages)
    for (auto& o : stage->outputs()) outputs.push_back(std::move(o));
  core::prepare_outputs(world, outputs);
  core::log::info("mspipe: {} on {} rank(s), output in {}", config.string(), world.size(),
                  ctx.output_dir.string());
  // Stages run in the pipeline's order whatever order the list gives.
  for (auto& stage : stages) {
    const auto t0 = std::chrono::steady_clock::now();
    core::log::info("== stage {} ==", stage->name());
    stage->run(world, ctx);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    core::log::info("== stage {} done in {:.1f} s ==", stage->name(), dt);
  }
  return 0;
}

void add_run_command(CommandRegistry& reg) {
  auto* sub = reg.app().add_subcommand("run", "Run the stages a configuration names (same as 'mspipe CONFIG')");
  auto config = std::make_shared<std::string>();
  auto options = std::make_shared<RunOptions>();
  sub->add_option("config", *config, "Configuration file (TOML)")->required();
  sub->add_flag("--dry-run", options->dry_run,
                "Check the configuration and report what would run (layout, sizes, estimated "
                "core-hours); nothing is written");
  auto* shard = sub->add_option("--shard", options->shard, "Run block I of the campaign's id range (a job array)");
  auto* shards = sub->add_option("--num-shards", options->num_shards, "Number of blocks of the id range");
  shard->needs(shards);
  shards->needs(shard);
  reg.add(sub, [config, options](const core::Comm& world) {
    if (options->num_shards < 1 || options->shard < 0 || options->shard >= options->num_shards) {
      if (world.rank() == 0)
        fmt::print(stderr, "error: --shard {} --num-shards {}: the shard index must be in [0, {})\n",
                   options->shard, options->num_shards, std::max(options->num_shards, 1));
      return static_cast<int>(core::ExitCode::usage);
    }
    return run_config(*config, world, *options);
  });
}

}  // namespace mspipe::pipeline
