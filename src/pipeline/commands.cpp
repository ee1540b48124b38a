#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <stdexcept>

#include "pipeline/command.hpp"
#include "pipeline/ml_plugin.hpp"

namespace mspipe::pipeline {

const CommandRun* CommandRegistry::chosen() const {
  // The deepest chosen subcommand wins ("vae train" over "vae").
  const CommandRun* best = nullptr;
  for (const auto& e : entries_)
    if (e.app->parsed()) best = &e.run;
  return best;
}

std::vector<CLI::App*> add_all_commands(CommandRegistry& reg, std::string_view ml_command) {
  add_run_command(reg);
  add_orientation_commands(reg);
  add_cp_commands(reg);
  add_generate_commands(reg);
  add_diagnostics_commands(reg);
  add_campaign_commands(reg);
  std::vector<CLI::App*> stand_ins;
#if MSPIPE_HAVE_ML
  if (!ml_command.empty()) {
    ml_plugin(fmt::format("'mspipe {}'", ml_command)).add_commands(reg);
    for (const auto& c : ml_commands()) {
      const auto* sub = reg.app().get_subcommand(std::string(c.name));
      if (sub->get_description() != c.help)
        throw std::logic_error(fmt::format("ml_commands(): the help of '{}' differs from the plugin's", c.name));
    }
    return stand_ins;
  }
  for (const auto& c : ml_commands()) {
    // Takes every argument as it comes: the plugin's command parses them.
    auto* sub = reg.app().add_subcommand(std::string(c.name), std::string(c.help));
    sub->prefix_command();
    sub->allow_extras();
    sub->set_help_flag();
    stand_ins.push_back(sub);
  }
#else
  (void)ml_command;
#endif
  return stand_ins;
}

}  // namespace mspipe::pipeline
