#include "pipeline/campaign_stage.hpp"

#include <fmt/core.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <optional>
#include <thread>

#include "campaign/collectors.hpp"
#include "campaign/merge.hpp"
#include "campaign/stop_signal.hpp"
#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/fnv1a.hpp"
#include "core/log.hpp"
#include "core/partition.hpp"
#include "core/request.hpp"
#include "core/threads.hpp"
#include "pipeline/campaign_dry_run.hpp"
#include "pipeline/campaign_worker.hpp"
#include "pipeline/stage.hpp"
#if MSPIPE_HAVE_ML
#include "pipeline/ml_plugin.hpp"
#include "pipeline/vae_setup.hpp"
#endif

#ifndef MSPIPE_VERSION
#define MSPIPE_VERSION "unknown"
#endif

namespace mspipe::pipeline {

CampaignPlan make_campaign_plan(const CampaignConfig& c, const CampaignInputs& inputs, std::uint64_t seed,
                                int shard, int num_shards, int world_size, std::int64_t fingerprint_length,
                                std::string_view vae_training) {
  CampaignPlan p;
  auto& id = p.identity;
  id.seed = seed;
  id.generator = inputs.generator;
  id.fingerprint_length = fingerprint_length;
  id.strain = cp::applied_axial_strain(c.load);
  id.points = std::int64_t(id.strain.size());
  id.material = c.phase.name;
  id.load_case = c.load_text;
  id.engine = c.engine_name;
  if (c.vae_checkpoint) id.vae_checkpoint_digest = core::file_digest(*c.vae_checkpoint);
  else if (!vae_training.empty()) id.vae_checkpoint_digest = campaign::trained_in_campaign(vae_training);
  id.mspipe_version = MSPIPE_VERSION;
  id = campaign::complete(id);

  const auto block = core::block_range(c.count, num_shards, shard);
  p.farm.first_id = c.first_id + block.begin;
  p.farm.count = block.size();
  p.farm.max_attempts = c.max_attempts;
  p.farm.task_timeout_s = c.task_timeout_s;
  p.farm.stop_grace_s = c.stop_grace_s;
  p.farm.groups = c.layout.groups(world_size);
  p.farm.ranks_per_sim = c.layout.ranks_per_sim;
  // Trainers that train deliver fingerprints and then join the pool (task_farm.hpp).
  p.farm.trainers = c.vae_checkpoint ? 0 : c.layout.trainers;
  p.storage.collector = shard;
  p.storage.shard_size = c.shard_size;
  p.storage.flush_interval_s = c.flush_interval_s;
  return p;
}

namespace {

#if MSPIPE_HAVE_ML
// What decides the trained model (architecture, loss, optimisation, data, seed): two
// campaigns whose trainers would train different models are different campaigns.
std::string vae_training_text(const VaeSetup& v) {
  const auto& c = v.config;
  return fmt::format("{}; alpha={} beta={}; lr={} wd={} batch={} epochs={} max_steps={} test_fraction={} seed={}; "
                     "data={} count={} first_id={}",
                     ml::describe_model_options(c.model), c.loss.alpha, c.loss.beta, c.train.lr,
                     c.train.weight_decay, c.train.batch_size, c.train.epochs, c.train.max_steps,
                     c.train.test_fraction, c.train.seed, c.data.source, c.data.count, c.data.first_id);
}
#endif

// Waits for every rank of `comm` without spinning (a blocking barrier polls at 100 % of a
// core: the trainers may train for long after the farm is done).
void sleepy_barrier(const core::Comm& comm) {
  auto req = comm.ibarrier();
  while (!req.test()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

// What the collectors tell every rank at the end.
struct Outcome {
  std::int64_t stopped = 0, unfinished = 0;
};

class CampaignStage final : public Stage {
 public:
  std::string_view name() const override { return "campaign"; }
  // [vae] (and the [generate] it may read) too when the trainers train (known after configure()).
  std::vector<std::string> sections() const override {
    if (!vae_) return {"campaign"};
#if MSPIPE_HAVE_ML
    if (vae_->generator) return {"campaign", "vae", "generate"};
#endif
    return {"campaign", "vae"};
  }

  void configure(const core::Section& root, const RunContext& ctx) override {
    config_ = read_campaign_config(root, ctx.output_dir, ctx.world_size);
    vae_latent_ = 1;  // without a VAE, the record keeps one zero (the layout needs L > 0)
#if MSPIPE_HAVE_ML
    if (!config_.vae_checkpoint && root.has("vae")) {
      vae_ = read_vae_setup(root, ctx.output_dir, ctx.seed, ctx.threads);
      vae_latent_ = vae_->config.model.latent;
    }
#endif
    if (config_.vae_checkpoint && config_.layout.trainers > 0)
      config_.checkpoint_ref.fail(fmt::format("nothing to train with a checkpoint: campaign.layout.trainers must be 0 "
                                              "or \"auto\", not {}",
                                              config_.layout.trainers));
    if (!config_.vae_checkpoint && config_.layout.trainers > 0 && !vae_)
      config_.checkpoint_ref.fail(
          "trainers need a [vae] table to train (or give campaign.vae_checkpoint, or campaign.layout.trainers = 0)");
    threads_ = ctx.threads;
  }

  std::vector<core::OutputPath> outputs() const override {
    std::vector<core::OutputPath> out{{config_.merged, "run.output_dir", "", core::OutputPath::Kind::file}};
#if MSPIPE_HAVE_ML
    if (vae_ && config_.layout.trainers > 0)
      out.push_back({vae_->config.output_dir, "vae.output_dir", vae_->output_dir_where, core::OutputPath::Kind::folder});
#endif
    return out;
  }

  void dry_run(const core::Comm& world, const RunContext& ctx) override {
    campaign_dry_run(world, config_, ctx, vae_latent_);
  }

  void run(const core::Comm& world, const RunContext& ctx) override {
    campaign::install_stop_handler();
    core::set_threads(threads_);
    CampaignInputs inputs;
    core::collective(world, [&] { inputs = check_campaign_inputs(config_); });
#if MSPIPE_HAVE_ML
    if (vae_ && config_.layout.trainers > 0 && vae_->config.model.ve_size != inputs.edge)
      vae_->config.keys.ve_size.fail(
          fmt::format("{}, the campaign's VEs are {}^3", vae_->config.model.ve_size, inputs.edge));
#endif
    const auto plan = make_campaign_plan(config_, inputs, ctx.seed, ctx.options.shard, ctx.options.num_shards,
                                         world.size(), fingerprint_length(config_, vae_latent_), vae_training());
    const auto roles = campaign::split_roles(world, config_.layout);
    core::log::set_role(campaign::role_name(roles.role));
    if (world.rank() == 0)
      core::log::info("campaign: ids {}..{} ({} of {}), {} on {} ranks, {} worker group(s), into {}",
                      plan.farm.first_id, plan.farm.first_id + plan.farm.count - 1, plan.farm.count, config_.count,
                      campaign::describe(config_.layout), world.size(), plan.farm.groups, config_.folder.string());

    Outcome outcome;
    // The collector's errors (a folder of another campaign, a second writer) reach the
    // other ranks after the farm has told them to stop: one message, every rank's exit code.
    std::optional<std::string> error;
    core::ExitCode code = core::ExitCode::failure;
    try {
      switch (roles.role) {
        case campaign::Role::collector: outcome = run_collector(roles, plan, world.size(), ctx.options.shard); break;
        case campaign::Role::trainer: run_trainer(roles, plan, world.size()); break;
        case campaign::Role::worker: run_worker_group(roles, plan); break;
      }
    } catch (const core::CollectiveError& e) {
      error = e.what();
      code = e.code();
    }
    sleepy_barrier(world);
    core::raise_if_any(world, error, code);
    // Every collector's word, summed (the other ranks add nothing).
    std::array<std::int64_t, 2> told{outcome.stopped, outcome.unfinished};
    world.allreduce_inplace(std::span<std::int64_t>(told), core::ReduceOp::sum);
    outcome = {told[0], told[1]};
    if (outcome.stopped) {
      core::log::info("campaign: stopped; {} of {} ids left. Rerun the same command to resume.", outcome.unfinished,
                      plan.farm.count);
      return;
    }
    if (outcome.unfinished > 0)
      core::throw_collective(fmt::format("campaign: {} ids left without a result; rerun to resume", outcome.unfinished),
                             core::ExitCode::failure);
    if (ctx.options.num_shards > 1) {
      core::log::info("campaign: shard {} of {} done; `mspipe campaign merge {}` joins the shards",
                      ctx.options.shard, ctx.options.num_shards, config_.folder.string());
      return;
    }
    // The collectors write campaign.h5 together (parallel HDF5, merge.hpp); the other
    // ranks wait for the word.
    campaign::MergeSummary s;
    core::collective(world, [&] {
      if (roles.role != campaign::Role::collector) return;
      campaign::MergeOptions m;
      m.first_id = config_.first_id;
      m.count = config_.count;
      m.max_attempts = config_.max_attempts;
      s = campaign::merge(config_.folder, config_.merged, m, roles.role_comm);
    });
    core::on_root(world, [&] {
      core::log::info("campaign: {} rows ({} converged, {} not converged, {} failed, {} timeout) -> {}", s.rows,
                      s.per_status[0], s.per_status[1], s.per_status[2], s.per_status[3], config_.merged.string());
    });
  }

 private:
  Outcome run_collector(const campaign::RoleSplit& roles, const CampaignPlan& plan, int world_size, int shard) {
    auto farm = plan.farm;
    auto storage = plan.storage;
    campaign::narrow_to_collector(farm, storage, config_.layout, world_size, roles.collector, shard);
    const auto s = campaign::run_manager(roles.farm, config_.folder, plan.identity, storage, farm, &roles.role_comm);
    if (s.abandoned_groups > 0)  // ranks stuck in a task cannot be joined: the driver aborts the job
      throw std::runtime_error(fmt::format(
          "campaign: {} worker group(s) never answered; everything else is durable, rerun to resume",
          s.abandoned_groups));
    core::log::info("campaign: {} ids skipped (done before), {} tries, {} recorded{}", s.skipped, s.handed_out,
                    s.recorded, s.stopped ? ", stopped" : "");
    return {s.stopped ? 1 : 0, std::int64_t(s.unfinished)};
  }

  void run_worker_group(const campaign::RoleSplit& roles, const CampaignPlan& plan) {
    CampaignVes ves(config_, plan.identity.seed);
    CpTaskRunner runner(config_, ves);
    const auto encoder = config_.vae_checkpoint ? make_vae_encoder(*config_.vae_checkpoint, ves, threads_) : nullptr;
    campaign::run_worker(roles.farm, roles.role_comm, roles.group, campaign::layout_of(plan.identity), runner,
                         encoder.get(), plan.farm);
  }

  // Train [vae] (a graceful stop ends the training too, checkpoint saved; the rerun resumes
  // it), then encode the ids that lack a fingerprint of this checkpoint (the collector keeps
  // them and the merge joins them to the records by id), then simulate as late worker
  // groups until the farm is done. The late groups are formed before the encoder pass,
  // while the trainers are still in step (task_farm.hpp).
  void run_trainer(const campaign::RoleSplit& roles, const CampaignPlan& plan, int world_size) {
#if MSPIPE_HAVE_ML
    if (!ml_plugin("a campaign trainer").train_vae(roles.role_comm, *vae_, campaign::stop_signal_received))
      core::log::info("campaign: VAE training stopped, checkpoint saved in {}", vae_->config.output_dir.string());
    auto farm = plan.farm;
    farm.vae_checkpoint_digest = core::file_digest(vae_->checkpoint());
    CampaignVes ves(config_, plan.identity.seed);
    const auto late = campaign::join_pool(roles.role_comm, config_.layout, world_size);
    const auto encoder = make_vae_encoder(vae_->checkpoint(), ves, threads_);
    campaign::run_encoder_pass(roles.farm, roles.farm_trainers, *encoder, farm);
    CpTaskRunner runner(config_, ves);
    campaign::run_worker(roles.farm, late.comm, late.index, campaign::layout_of(plan.identity), runner, nullptr,
                         farm);
#else
    (void)roles, (void)plan, (void)world_size;
#endif
  }

  std::string vae_training() const {
#if MSPIPE_HAVE_ML
    if (vae_ && !config_.vae_checkpoint && config_.layout.trainers > 0) return vae_training_text(*vae_);
#endif
    return {};
  }

  CampaignConfig config_;
  int vae_latent_ = 1;
  int threads_ = 1;
#if MSPIPE_HAVE_ML
  std::optional<VaeSetup> vae_;
#else
  std::optional<int> vae_;
#endif
};

}  // namespace

std::unique_ptr<Stage> make_campaign_stage() { return std::make_unique<CampaignStage>(); }

}  // namespace mspipe::pipeline
