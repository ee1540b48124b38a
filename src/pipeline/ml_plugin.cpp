#include "pipeline/ml_plugin.hpp"

#include <dlfcn.h>
#include <fmt/core.h>

#include <cstdlib>
#include <map>

#include "core/errors.hpp"
#include "core/log.hpp"

namespace mspipe::pipeline {

const std::vector<MlCommandHelp>& ml_commands() {
  // Checked against the plugin's own descriptions whenever it is loaded for a command
  // (cli.cpp), so `mspipe --help` cannot drift from `mspipe vae --help`.
  static const std::vector<MlCommandHelp> commands = {
      {"vae", "Train and use the 3D ResNet VAE (fingerprints of VEs)"},
      {"analyse", "Latent space: PCA of training fingerprints, edge-case sets projected, spectral clustering"},
      {"surrogate", "Stress curves from fingerprints: train, predict, compare inputs"},
  };
  return commands;
}

const std::vector<std::string>* ml_stage_sections(std::string_view name) {
  // run_config asks every known stage for its sections (to note unused ones); these
  // answers spare the plugin there. The stages say the same (sections()).
  static const std::map<std::string, std::vector<std::string>, std::less<>> sections = {
      {"train_vae", {"vae"}}, {"encode", {"encode"}}, {"train_surrogate", {"surrogate"}}, {"analyse", {"analyse"}}};
  const auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

std::filesystem::path ml_plugin_path() {
  if (const char* env = std::getenv("MSPIPE_ML_PLUGIN"); env && *env) return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : exe.parent_path()) / "libmspipe_ml.so";
}

const MlRegistry& ml_plugin(std::string_view need) {
  static std::unique_ptr<MlRegistry> registry;
  if (registry) return *registry;
  const auto path = ml_plugin_path();
  // RTLD_NOW: a missing symbol fails here, with the loader's message, not mid-run.
  // Never closed: its code and LibTorch stay until the process ends.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  const char* why = handle ? nullptr : dlerror();
  auto* entry = handle ? reinterpret_cast<decltype(&mspipe_ml_register)>(dlsym(handle, "mspipe_ml_register")) : nullptr;
  if (!entry)
    throw core::CollectiveError(
        core::format_error(path.string(), fmt::format("{} needs the ML plugin (LibTorch), which cannot be loaded: "
                                                      "{} (it is built next to the mspipe executable; "
                                                      "MSPIPE_ML_PLUGIN names another path)",
                                                      need, why ? why : "no entry point mspipe_ml_register")),
        core::ExitCode::failure);
  auto r = std::make_unique<MlRegistry>();
  entry(*r);
  core::log::debug("loaded {} for {}", path.string(), need);
  registry = std::move(r);
  return *registry;
}

}  // namespace mspipe::pipeline
