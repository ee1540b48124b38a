#pragma once
// Subcommands of the mspipe executable. Each module's command file adds its subcommands
// to the registry; the driver parses the command line once and runs the chosen one.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI { class App; }
namespace mspipe::core { class Comm; }

namespace mspipe::pipeline {

using CommandRun = std::function<int(const core::Comm& world)>;

class CommandRegistry {
 public:
  explicit CommandRegistry(CLI::App& app) : app_(app) {}
  CLI::App& app() { return app_; }
  // Registers `run` for subcommand `sub` (a CLI::App created under app() or deeper).
  void add(CLI::App* sub, CommandRun run) { entries_.push_back({sub, std::move(run)}); }
  // The command chosen on the parsed command line, or nullptr.
  const CommandRun* chosen() const;

 private:
  struct Entry {
    CLI::App* app;
    CommandRun run;
  };
  CLI::App& app_;
  std::vector<Entry> entries_;
};

// One line per module in commands.cpp calls these.
void add_run_command(CommandRegistry& reg);
void add_orientation_commands(CommandRegistry& reg);
void add_cp_commands(CommandRegistry& reg);
void add_generate_commands(CommandRegistry& reg);
void add_diagnostics_commands(CommandRegistry& reg);
void add_campaign_commands(CommandRegistry& reg);
// In the ML plugin (built with LibTorch only; MlRegistry::add_commands calls them):
void add_vae_commands(CommandRegistry& reg);
void add_analyse_commands(CommandRegistry& reg);  // it encodes the edge-case sets
void add_surrogate_commands(CommandRegistry& reg);

// Builds the full command-line interface. The ML plugin's commands (ml_plugin.hpp) are
// stand-ins that take any arguments and have no run, returned here, unless `ml_command`
// names the one chosen: then the plugin is loaded and its commands added instead.
std::vector<CLI::App*> add_all_commands(CommandRegistry& reg, std::string_view ml_command = {});

}  // namespace mspipe::pipeline
