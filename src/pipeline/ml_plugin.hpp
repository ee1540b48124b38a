#pragma once
// LibTorch is loaded only by the processes that use it. Everything that needs it (src/ml,
// the vae, analyse and surrogate commands and stages, a campaign's VAE training and
// encoding) is built into a plugin, libmspipe_ml.so, that the executable loads at the first
// need and that fills this registry. A do-nothing process linked against LibTorch already
// holds ~160 MB (its static initialisers and relocations); a campaign's worker ranks never
// use it. The executable exports its own symbols and the plugin uses them: one copy of
// core, io, cp, ... in the process (drivers/CMakeLists.txt).
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mspipe::core { class Comm; }
namespace mspipe::campaign { class Encoder; }

namespace mspipe::pipeline {

class CommandRegistry;
class CampaignVes;
class Stage;
struct VaeSetup;

struct MlRegistry {
  // Adds the subcommands of ml_commands() with their options.
  std::function<void(CommandRegistry&)> add_commands;
  // The stage of that name (ml_stage_sections() names them).
  std::function<std::unique_ptr<Stage>(std::string_view name)> make_stage;
  // A campaign trainer's work: train_vae_on (vae_stages.hpp).
  std::function<bool(const core::Comm&, const VaeSetup&, const std::function<bool()>& stop)> train_vae;
  // A campaign's encoder of `checkpoint` (campaign_worker.hpp), loaded at its first VE.
  std::function<std::unique_ptr<campaign::Encoder>(const std::filesystem::path& checkpoint, CampaignVes& ves,
                                                   int threads)>
      make_vae_encoder;
  // VE edge and latent size of a checkpoint's model (ml/ve_encoder.hpp).
  std::function<std::pair<int, int>(const std::filesystem::path& checkpoint)> checkpoint_model;
};

// The plugin's subcommands as `mspipe --help` lists them, known without loading it.
struct MlCommandHelp {
  std::string_view name, help;
};
const std::vector<MlCommandHelp>& ml_commands();
// The plugin's stages and the sections each owns, known without loading it (nullptr when
// `name` is not one of them).
const std::vector<std::string>* ml_stage_sections(std::string_view name);

// Where the plugin is: $MSPIPE_ML_PLUGIN when set, else libmspipe_ml.so in the folder of
// the running executable.
std::filesystem::path ml_plugin_path();
// The registry, loading the plugin at the first call (on this process only). Throws
// core::CollectiveError (exit code 1) naming the path and the loader's reason when it
// cannot be loaded; `need` says what needed it.
const MlRegistry& ml_plugin(std::string_view need);

}  // namespace mspipe::pipeline

// The plugin's entry point (ml_plugin_entry.cpp): fills the registry.
extern "C" void mspipe_ml_register(mspipe::pipeline::MlRegistry& registry);
