#include <algorithm>
#include <stdexcept>

#include "pipeline/campaign_stage.hpp"
#include "pipeline/generate_stage.hpp"
#include "pipeline/ml_plugin.hpp"
#include "pipeline/simulate_stage.hpp"
#include "pipeline/stage.hpp"

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
  // The torch-using stages live in the ML plugin: asking for one loads it. The sections
  // listed without the plugin must be the stage's own, or unused-section notes would lie.
  if (const auto* sections = ml_stage_sections(name)) {
    auto stage = ml_plugin(std::string("stage ") + std::string(name)).make_stage(name);
    if (stage && stage->sections() != *sections)
      throw std::logic_error(std::string("ml_stage_sections() is out of date for stage ") + std::string(name));
    return stage;
  }
#endif
  return nullptr;
}

std::vector<std::string> stage_sections(std::string_view name) {
#if MSPIPE_HAVE_ML
  if (const auto* sections = ml_stage_sections(name)) return *sections;
#endif
  const auto stage = make_stage(name);
  return stage ? stage->sections() : std::vector<std::string>{};
}

}  // namespace mspipe::pipeline
