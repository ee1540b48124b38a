// mspipe analyse CONFIG, and the "analyse" stage: both read [analyse] (analyse_job.hpp).
#include <CLI/CLI.hpp>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/output_path.hpp"
#include "pipeline/analyse_job.hpp"
#include "pipeline/analyse_stage.hpp"
#include "pipeline/command.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

namespace {

class AnalyseStage final : public Stage {
 public:
  std::string_view name() const override { return "analyse"; }
  std::vector<std::string> sections() const override { return {"analyse"}; }
  void configure(const core::Section& root, const RunContext& ctx) override {
    job_ = read_analyse_job(root, ctx.output_dir, ctx.seed, ctx.threads);
  }
  std::vector<core::OutputPath> outputs() const override {
    return {{job_.output, "analyse.output", job_.output_where, core::OutputPath::Kind::folder}};
  }
  void run(const core::Comm& world, const RunContext&) override { run_analyse(job_, world); }

 private:
  AnalyseJob job_;
};

int analyse(const std::string& config, const core::Comm& world) {
  const auto cfg = core::load_config(config, world);
  const auto root = cfg.root();
  RunContext ctx{.output_dir = "results/" + std::filesystem::path(config).stem().string()};
  if (auto run = root.optional_section("run")) {
    ctx.output_dir = run->string("output_dir", ctx.output_dir.string());
    ctx.seed = static_cast<std::uint64_t>(run->integer("seed", 0, core::Range::non_negative()));
    ctx.threads = static_cast<int>(run->integer("threads", 1, core::Range::positive()));
  }
  AnalyseStage stage;
  stage.configure(root, ctx);
  core::prepare_outputs(world, stage.outputs());
  stage.run(world, ctx);
  return 0;
}

}  // namespace

std::unique_ptr<Stage> make_analyse_stage() {
  return std::make_unique<AnalyseStage>();
}

void add_analyse_commands(CommandRegistry& reg) {
  auto* sub = reg.app().add_subcommand(
      "analyse",
      "Latent space: PCA of training fingerprints, edge-case sets projected, spectral clustering");
  auto config = std::make_shared<std::string>();
  sub->add_option("config", *config, "Configuration file with an [analyse] section")->required();
  reg.add(sub, [config](const core::Comm& world) { return analyse(*config, world); });
}

}  // namespace mspipe::pipeline
