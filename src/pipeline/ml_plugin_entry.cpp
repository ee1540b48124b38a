// The entry point of libmspipe_ml.so (ml_plugin.hpp): the torch-using commands, stages and
// campaign roles, handed to the executable's registry.
#include "pipeline/analyse_stage.hpp"
#include "pipeline/campaign_encoder.hpp"
#include "pipeline/command.hpp"
#include "pipeline/ml_plugin.hpp"
#include "pipeline/stage.hpp"
#include "pipeline/surrogate_stage.hpp"
#include "pipeline/vae_stages.hpp"
#include "ml/ve_encoder.hpp"

extern "C" void mspipe_ml_register(mspipe::pipeline::MlRegistry& r) {
  using namespace mspipe::pipeline;
  r.add_commands = [](CommandRegistry& reg) {
    add_vae_commands(reg);
    add_analyse_commands(reg);
    add_surrogate_commands(reg);
  };
  r.make_stage = [](std::string_view name) -> std::unique_ptr<Stage> {
    if (name == "train_vae") return make_train_vae_stage();
    if (name == "encode") return make_encode_stage();
    if (name == "analyse") return make_analyse_stage();
    if (name == "train_surrogate") return make_train_surrogate_stage();
    return nullptr;
  };
  r.train_vae = train_vae_on;
  r.make_vae_encoder = make_campaign_encoder;
  r.checkpoint_model = [](const std::filesystem::path& checkpoint) {
    const auto m = mspipe::ml::checkpoint_model(checkpoint);
    return std::pair{m.ve_size, m.latent};
  };
}
