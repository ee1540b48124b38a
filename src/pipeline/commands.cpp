#include <CLI/CLI.hpp>

#include "pipeline/command.hpp"

namespace mspipe::pipeline {

const CommandRun* CommandRegistry::chosen() const {
  // The deepest chosen subcommand wins ("vae train" over "vae").
  const CommandRun* best = nullptr;
  for (const auto& e : entries_)
    if (e.app->parsed()) best = &e.run;
  return best;
}

void add_all_commands(CommandRegistry& reg) {
  add_run_command(reg);
  add_orientation_commands(reg);
  add_cp_commands(reg);
  add_generate_commands(reg);
  add_diagnostics_commands(reg);
  add_campaign_commands(reg);
#if MSPIPE_HAVE_ML
  add_vae_commands(reg);
  add_analyse_commands(reg);
  add_surrogate_commands(reg);
#endif
}

}  // namespace mspipe::pipeline
