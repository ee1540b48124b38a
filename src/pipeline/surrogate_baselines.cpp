#include "pipeline/surrogate_baselines.hpp"

#include <fmt/core.h>

#include "core/config.hpp"
#include "core/errors.hpp"

namespace mspipe::pipeline {

microstructure::GeneratorParams generator_of(const io::CampaignIdentity& id, const std::string& source) {
  try {
    const auto cfg = core::Config::parse(id.generator, source + ":generator");
    return microstructure::parse_generator_params(cfg.root().section("generate"));
  } catch (const core::CollectiveError& e) {
    throw core::InputError(core::format_error(
        source, fmt::format("the generator parameters stored with the campaign do not parse: {}", e.what())));
  }
}

BaselineInputs baseline_inputs(const std::string& kind, const CampaignRows&, const SurrogateSetup&) {
  BaselineInputs b;
  b.note = fmt::format("{}: the analysis module is not in this build", kind);
  return b;
}

}  // namespace mspipe::pipeline
