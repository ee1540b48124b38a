#include "pipeline/campaign_encoder.hpp"

#include "core/comm.hpp"
#include "ml/ve_encoder.hpp"
#include "pipeline/campaign_worker.hpp"

namespace mspipe::pipeline {

namespace {

class VaeEncoder final : public campaign::Encoder {
 public:
  VaeEncoder(const std::filesystem::path& checkpoint, CampaignVes& ves, int threads) : ves_(ves) {
    options_.checkpoint = checkpoint;
    options_.threads = threads;
    options_.batch = 1;
  }
  std::vector<float> fingerprint(const core::Comm& group, std::int64_t id) override {
    if (!group.is_root()) return {};
    if (!model_) model_ = std::make_unique<ml::VeEncoder>(options_);  // loaded at the first VE
    return model_->encode(ves_.get(id).euler);
  }

 private:
  CampaignVes& ves_;
  ml::InferenceOptions options_;
  std::unique_ptr<ml::VeEncoder> model_;
};

}  // namespace

std::unique_ptr<campaign::Encoder> make_campaign_encoder(const std::filesystem::path& checkpoint, CampaignVes& ves,
                                                         int threads) {
  return std::make_unique<VaeEncoder>(checkpoint, ves, threads);
}

}  // namespace mspipe::pipeline
