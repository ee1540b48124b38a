#include "pipeline/surrogate_stage.hpp"

#include <fmt/core.h>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/output_path.hpp"
#include "pipeline/surrogate_fingerprints.hpp"
#include "pipeline/surrogate_report.hpp"

namespace mspipe::pipeline {

void run_surrogate_training(const SurrogateSetup& setup, const core::Comm& world, bool prepare) {
  CampaignRows campaign;
  // The campaign is read and checked before any folder is made: a bad input leaves nothing.
  // Every rank reads it: for a campaign without fingerprints each encodes a share of its VEs.
  core::collective(world, [&] { campaign = read_campaign_rows(setup.campaign); });
  encode_when_missing(setup, campaign, world);
  if (prepare)
    core::prepare_outputs(world, {{setup.output_dir, setup.output_dir_origin, setup.output_dir_where,
                                   core::OutputPath::Kind::folder}});
  core::on_root(world, [&] {
    const auto t = train_surrogate(campaign.rows, setup, campaign.meta, setup.campaign.string());
    write_surrogate_outputs(setup.output_dir, t, setup, campaign);
    fmt::print("surrogate: {} converged of {} records; model {}\ntrain: {}\ntest:  {}\n", campaign.rows.size(),
               campaign.records, (setup.output_dir / "model.pt").string(), describe(t.train_metrics),
               describe(t.test_metrics));
  });
}

namespace {

class TrainSurrogateStage final : public Stage {
 public:
  std::string_view name() const override { return "train_surrogate"; }
  std::vector<std::string> sections() const override { return {"surrogate"}; }
  void configure(const core::Section& root, const RunContext& ctx) override {
    setup_ = read_surrogate_setup(root, ctx.output_dir, ctx.seed, ctx.threads);
  }
  std::vector<core::OutputPath> outputs() const override {
    return {{setup_.output_dir, setup_.output_dir_origin, setup_.output_dir_where, core::OutputPath::Kind::folder}};
  }
  void run(const core::Comm& world, const RunContext&) override { run_surrogate_training(setup_, world, false); }

 private:
  SurrogateSetup setup_;
};

}  // namespace

std::unique_ptr<Stage> make_train_surrogate_stage() { return std::make_unique<TrainSurrogateStage>(); }

}  // namespace mspipe::pipeline
