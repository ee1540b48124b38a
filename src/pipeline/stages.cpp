#include <algorithm>

#include "pipeline/campaign_stage.hpp"
#include "pipeline/generate_stage.hpp"
#include "pipeline/simulate_stage.hpp"
#include "pipeline/stage.hpp"
#if MSPIPE_HAVE_ML
#include "pipeline/vae_stages.hpp"
#include "pipeline/analyse_stage.hpp"
#include "pipeline/surrogate_stage.hpp"
#endif

namespace mspipe::pipeline {

const std::vector<std::string>& known_stages() {
#if MSPIPE_HAVE_ML
  static const std::vector<std::string> names = {"generate", "train_vae", "encode", "simulate", "campaign",
                                                  "train_surrogate", "analyse"};
#else
  static const std::vector<std::string> names = {"generate", "simulate", "campaign"};
#endif
  return names;
}

std::unique_ptr<Stage> make_stage(std::string_view name) {
  if (name == "generate") return make_generate_stage();
  if (name == "simulate") return make_simulate_stage();
  if (name == "campaign") return make_campaign_stage();
#if MSPIPE_HAVE_ML
  if (name == "train_vae") return make_train_vae_stage();
  if (name == "encode") return make_encode_stage();
  if (name == "analyse") return make_analyse_stage();
  if (name == "train_surrogate") return make_train_surrogate_stage();
#endif
  return nullptr;
}

}  // namespace mspipe::pipeline
