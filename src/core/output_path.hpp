#pragma once
// Output locations are checked before any work starts, so that a typo in a path costs a
// second instead of a finished simulation: missing folders are created and a probe file
// proves that files can be created there.
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::core {

class Comm;

struct OutputPath {
  enum class Kind { file, folder };
  std::filesystem::path path;
  std::string origin;  // the option or key that gave the path: "--out", "simulate.output"
  std::string where;   // "file:line:col" of that key; empty for a command-line option
  Kind kind = Kind::file;
};

// Creates the folder (Kind::folder) or the parent folder of the file (Kind::file) and
// checks that a file can be created in it and that a file path is not a folder. Throws
// ConfigError (exit 3) when `where` is set, InputError (exit 4) otherwise; either names
// the path and the origin.
void prepare_output(const OutputPath& out);

// prepare_output for every entry, on rank 0 of `comm` only (one set of file-system
// operations however many ranks); every rank throws the same error.
void prepare_outputs(const Comm& comm, const std::vector<OutputPath>& outputs);

}  // namespace mspipe::core
