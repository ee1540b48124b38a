#pragma once
// The mspipe command line: global options, subcommands, and the 'mspipe CONFIG' shortcut.
namespace mspipe::core { class Comm; }

namespace mspipe::pipeline {

// Parses argv, configures logging, runs the chosen subcommand and returns its exit code.
// Parse errors and --help print on rank 0 only.
int main_entry(int argc, char** argv, const core::Comm& world);

}  // namespace mspipe::pipeline
