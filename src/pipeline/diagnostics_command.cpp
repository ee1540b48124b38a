// Hidden diagnostics used by the integration tests to exercise the failure paths of
// the driver on real MPI jobs.
#include <CLI/CLI.hpp>

#include <stdexcept>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "pipeline/command.hpp"

namespace mspipe::pipeline {

void add_diagnostics_commands(CommandRegistry& reg) {
  auto* fail = reg.app().add_subcommand("fail-on-rank", "Throw on one rank (tests the abort path)");
  fail->group("");  // hidden from --help
  auto rank = std::make_shared<int>(0);
  auto collective = std::make_shared<bool>(false);
  fail->add_option("rank", *rank, "Rank that fails")->required();
  fail->add_flag("--collective", *collective, "Fail as a collective input error instead");
  reg.add(fail, [rank, collective](const core::Comm& world) -> int {
    if (*collective) {
      std::optional<std::string> err;
      if (world.rank() == *rank) err = core::format_error("injected.h5", "injected input error");
      core::raise_if_any(world, err, core::ExitCode::input);
    } else if (world.rank() == *rank) {
      throw std::runtime_error("injected failure");
    }
    // The other ranks wait in a collective, as they would in real work: the abort must
    // still end the job.
    world.barrier();
    return 0;
  });
}

}  // namespace mspipe::pipeline
