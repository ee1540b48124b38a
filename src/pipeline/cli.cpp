#include "pipeline/cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "campaign/stop_signal.hpp"
#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/output_path.hpp"
#include "pipeline/command.hpp"

#ifndef MSPIPE_VERSION
#define MSPIPE_VERSION "unknown"
#endif

namespace mspipe::pipeline {

void before_mpi(int argc, char** argv) {
  if (argc < 2) return;
  const std::string_view first = argv[1];
  if (first == "run" || (first.size() > 5 && first.ends_with(".toml"))) campaign::install_stop_handler();
}

int main_entry(int argc, char** argv, const core::Comm& world) {
  // 'mspipe CONFIG.toml' is 'mspipe run CONFIG.toml'.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0].size() > 5 && args[0].ends_with(".toml")) args.insert(args.begin(), "run");
  std::reverse(args.begin(), args.end());  // CLI11 takes the reversed vector
  // Parsed first with stand-ins for the ML plugin's commands; when one of them is chosen,
  // parsed again with the plugin's own (loaded then, and only then).
  std::string ml_command;
  while (true) {
    CLI::App app{"mspipe: microstructure fingerprints and stress-strain surrogates", "mspipe"};
    app.set_version_flag("--version", std::string("mspipe ") + MSPIPE_VERSION);
    app.require_subcommand(1);
    std::string level = "info";
    std::string log_dir;
    app.add_option("--log-level", level, "debug, info, warn, error or quiet")
        ->check(CLI::IsMember({"debug", "info", "warn", "error", "quiet"}));
    app.add_option("--log-dir", log_dir, "Also write every rank's messages to DIR/rank_<r>.log");
    app.footer("Run a whole pipeline with: mpirun -n N mspipe CONFIG.toml");

    CommandRegistry reg(app);
    const auto stand_ins = add_all_commands(reg, ml_command);
    try {
      app.parse(std::vector<std::string>(args));
    } catch (const CLI::ParseError& e) {
      // --help and --version are "errors" with code 0; every real one exits with `usage`.
      if (world.rank() == 0) app.exit(e);
      return e.get_exit_code() == 0 ? 0 : static_cast<int>(core::ExitCode::usage);
    }
    const auto stand_in = std::find_if(stand_ins.begin(), stand_ins.end(), [](auto* s) { return s->parsed(); });
    if (stand_in != stand_ins.end()) {
      ml_command = (*stand_in)->get_name();
      continue;
    }
    if (!log_dir.empty())
      core::prepare_outputs(world, {{log_dir, "--log-dir", "", core::OutputPath::Kind::folder}});
    core::log::configure({world.rank(), "main", core::log::parse_level(level), world.rank() == 0, log_dir});
    const CommandRun* run = reg.chosen();
    if (!run) {
      if (world.rank() == 0) std::cerr << app.help();
      return static_cast<int>(core::ExitCode::usage);
    }
    return (*run)(world);
  }
}

}  // namespace mspipe::pipeline
