#include "pipeline/campaign_worker.hpp"

#include <fmt/core.h>

#include "core/comm.hpp"
#include "cp/simulation.hpp"
#include "microstructure/generator.hpp"
#include "pipeline/ml_plugin.hpp"

namespace mspipe::pipeline {

CampaignVes::CampaignVes(const CampaignConfig& config, std::uint64_t seed) : config_(config), seed_(seed) {
  if (config.ve_set) reader_.emplace(*config.ve_set);
}

const microstructure::VolumeElement& CampaignVes::get(std::int64_t id) {
  if (have_ && ve_.id == id) return ve_;
  have_ = false;
  if (reader_) {
    // check_campaign_inputs() made sure the set's consecutive ids cover the range.
    const auto& ids = reader_->ids();
    const std::int64_t row = id - ids.front();
    if (row < 0 || row >= std::int64_t(ids.size()) || ids[std::size_t(row)] != id)
      throw std::runtime_error(fmt::format("{} holds no VE {}", config_.ve_set->string(), id));
    ve_ = reader_->read(row);
  } else {
    microstructure::generate_ve(*config_.generator, seed_, id, ve_);
  }
  have_ = true;
  return ve_;
}

campaign::TaskOutcome CpTaskRunner::run(const core::Comm& group, const campaign::Task& task,
                                        const campaign::StopToken& stop) {
  const auto& ve = ves_.get(task.id);
  const auto grid = cp::grid_from_ve(ve, config_.phase, config_.downsample);
  const auto run = config_.engine->run_with_stop(group, grid, config_.load, task.id,
                                                 [&stop] { return stop.should_stop(); });
  campaign::TaskOutcome out;
  switch (run.status) {
    case cp::RunStatus::converged: out.status = campaign::Status::converged; break;
    case cp::RunStatus::not_converged: out.status = campaign::Status::not_converged; break;
    case cp::RunStatus::failed: out.status = campaign::Status::failed; break;
    case cp::RunStatus::stopped:
      // The ranks agreed to stop; a wall limit that has not passed means a signal did it.
      out.status = stop.expired() ? campaign::Status::timeout : campaign::Status::interrupted;
      break;
  }
  out.message = run.message;
  if (run.status == cp::RunStatus::stopped)
    out.message = out.status == campaign::Status::timeout
                      ? fmt::format("stopped after {:.1f} s (campaign.task_timeout_s)", run.result.wall_s)
                      : "stopped by a graceful stop (SIGUSR1)";
  const int points = static_cast<int>(cp::applied_axial_strain(config_.load).size());
  const auto curve = cp::stress_curve(run.result, points);
  out.stress = curve.stress;
  out.iterations = curve.iterations;
  return out;
}

namespace {

#if MSPIPE_HAVE_ML
// Loads the ML plugin at the first VE on the group's rank 0 only: the other ranks of the
// group never encode and stay without LibTorch.
class PluginEncoder final : public campaign::Encoder {
 public:
  PluginEncoder(const std::filesystem::path& checkpoint, CampaignVes& ves, int threads)
      : checkpoint_(checkpoint), ves_(ves), threads_(threads) {}
  std::vector<float> fingerprint(const core::Comm& group, std::int64_t id) override {
    if (!group.is_root()) return {};
    if (!encoder_) encoder_ = ml_plugin("the campaign's encoder").make_vae_encoder(checkpoint_, ves_, threads_);
    return encoder_->fingerprint(group, id);
  }

 private:
  std::filesystem::path checkpoint_;
  CampaignVes& ves_;
  int threads_;
  std::unique_ptr<campaign::Encoder> encoder_;
};
#endif

}  // namespace

std::unique_ptr<campaign::Encoder> make_vae_encoder(const std::filesystem::path& checkpoint, CampaignVes& ves,
                                                    int threads) {
#if MSPIPE_HAVE_ML
  return std::make_unique<PluginEncoder>(checkpoint, ves, threads);
#else
  (void)checkpoint, (void)ves, (void)threads;
  return nullptr;
#endif
}

}  // namespace mspipe::pipeline
