#pragma once
// The mspipe command line: global options, subcommands, and the 'mspipe CONFIG' shortcut.
namespace mspipe::core { class Comm; }

namespace mspipe::pipeline {

// Parses argv, configures logging, runs the chosen subcommand and returns its exit code.
// Parse errors and --help print on rank 0 only.
int main_entry(int argc, char** argv, const core::Comm& world);

// Call before MPI is initialised. For a configuration run ('mspipe CONFIG.toml', 'mspipe
// run ...') it installs the graceful-stop handler (campaign/stop_signal.hpp) at once:
// start-up (MPI, PETSc, reading inputs) takes seconds on a loaded node, and a SIGUSR1 in
// that window would otherwise end the process instead of stopping the campaign cleanly.
void before_mpi(int argc, char** argv);

}  // namespace mspipe::pipeline
