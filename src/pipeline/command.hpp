#pragma once
// Subcommands of the mspipe executable. Each module's command file adds its subcommands
// to the registry; the driver parses the command line once and runs the chosen one.
#include <functional>
#include <string>
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
void add_vae_commands(CommandRegistry& reg);  // only when built with LibTorch (MSPIPE_HAVE_ML)
void add_analyse_commands(CommandRegistry& reg);  // only with LibTorch: it encodes the edge-case sets
void add_surrogate_commands(CommandRegistry& reg);  // only with LibTorch

// Builds the full command-line interface.
void add_all_commands(CommandRegistry& reg);

}  // namespace mspipe::pipeline
