// mspipe generate CONFIG [--out FILE] [--count N] [--size D] [--seed S] [--vti DIR]
// Generates the VE set that CONFIG's [generate] section describes.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "pipeline/command.hpp"
#include "pipeline/generate_stage.hpp"

namespace mspipe::pipeline {

namespace {

struct GenerateOptions {
  std::string config;
  std::string out;
  std::int64_t count = 0;  // 0: from the config
  int size = 0;
  std::optional<std::uint64_t> seed;
  std::string vti;
  bool dry_run = false;
  int block = 8;
  int threads = 0;  // 0: run.threads, else 1
};

int run_generate_command(const GenerateOptions& o, const core::Comm& world) {
  const auto cfg = core::load_config(o.config, world);
  const auto root = cfg.root();
  GenerateJob job;
  job.params = microstructure::parse_generator_params(root.section("generate"));
  // Seed and output directory as the pipeline would use them ([run] is optional here).
  std::uint64_t seed = 0;
  int threads = 1;
  std::filesystem::path out_dir = "results/" + std::filesystem::path(o.config).stem().string();
  if (auto run = root.optional_section("run")) {
    seed = static_cast<std::uint64_t>(run->integer("seed", 0, core::Range::non_negative()));
    out_dir = run->string("output_dir", out_dir.string());
    threads = static_cast<int>(run->integer("threads", 1, core::Range::positive()));
  }
  const auto usage = [&](const std::string& what) -> int {
    if (world.rank() == 0) fmt::print(stderr, "mspipe generate: error: {}\n", what);
    return static_cast<int>(core::ExitCode::usage);
  };
  if (o.count < 0) return usage(fmt::format("--count {}: expected a positive number", o.count));
  if (o.count > 0) job.params.count = o.count;
  if (o.size != 0) {
    if (o.size < 4 || o.size > 1024) return usage(fmt::format("--size {}: expected 4 to 1024 voxels", o.size));
    job.params.size = o.size;
    if (auto problem = microstructure::box_problem(job.params)) return usage(fmt::format("--size {}: {}", o.size, *problem));
  }
  for (auto id : job.params.vti_ids)
    if (id >= job.params.count)
      return usage(fmt::format("generate.vti_ids names VE {}, but the set has {} VEs", id, job.params.count));
  if (o.block < 1) return usage("--block: expected a positive number");
  if (o.threads < 0) return usage("--threads: expected a positive number");
  job.threads = o.threads > 0 ? o.threads : threads;
  job.seed = o.seed.value_or(seed);
  job.output = o.out.empty() ? out_dir / job.params.output : std::filesystem::path(o.out);
  if (o.out.empty()) job.output_where = root.section("generate").where("output");
  else job.output_origin = "--out";
  if (!o.vti.empty()) job.vti_dir = std::filesystem::path(o.vti);
  job.write = !o.dry_run;
  job.block = o.block;
  run_generate(job, world);
  return 0;
}

}  // namespace

void add_generate_commands(CommandRegistry& reg) {
  auto* sub = reg.app().add_subcommand(
      "generate", "Generate a set of voxel volume elements (grains, sizes, shapes, texture) into an HDF5 VE set");
  auto o = std::make_shared<GenerateOptions>();
  sub->add_option("config", o->config, "Configuration file with a [generate] section")->required();
  sub->add_option("--out", o->out, "VE-set file (default: <run.output_dir>/<generate.output>)");
  sub->add_option("--count", o->count, "Number of VEs (overrides generate.count)");
  sub->add_option("--size", o->size, "Voxels per side (overrides generate.size)");
  sub->add_option("--seed", o->seed, "Campaign seed (overrides run.seed)");
  sub->add_option("--vti", o->vti, "Also write generate.vti_ids (VE 0 if none) as DIR/ve_<id>.vti");
  sub->add_flag("--dry-run", o->dry_run, "Generate and report statistics, write no VE set");
  sub->add_option("--block", o->block, "VEs per rank per collective write (default 8)");
  sub->add_option("--threads", o->threads, "OpenMP threads per rank (default: run.threads, else 1)");
  reg.add(sub, [o](const core::Comm& world) { return run_generate_command(*o, world); });
}

}  // namespace mspipe::pipeline
