#pragma once
// Two kinds of failure (the LAMMPS split):
//  - CollectiveError: every rank of a communicator detects the same problem (bad config,
//    missing input). Rank 0 prints one message, every rank returns exit_code().
//  - anything else thrown on one rank: abort_job() prints "[rank r role] message" and
//    aborts the whole job so that no rank waits forever in a collective.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mspipe::core {

class Comm;

// Documented exit codes (README "Exit codes").
enum class ExitCode : int {
  ok = 0,
  failure = 1,    // a run failed (e.g. a stage could not complete)
  usage = 2,      // command line
  config = 3,     // configuration file
  input = 4,      // input data file (HDF5, VTI, YAML, text)
  aborted = 70,   // one rank failed and the job was aborted
};

class CollectiveError : public std::runtime_error {
 public:
  CollectiveError(std::string message, ExitCode code)
      : std::runtime_error(std::move(message)), code_(code) {}
  int exit_code() const { return static_cast<int>(code_); }

 private:
  ExitCode code_;
};

// "file:line:col: error: key: message" — a problem in a configuration file.
class ConfigError : public CollectiveError {
 public:
  explicit ConfigError(std::string message) : CollectiveError(std::move(message), ExitCode::config) {}
};

// A problem in an input data file; the message names the file.
class InputError : public CollectiveError {
 public:
  explicit InputError(std::string message) : CollectiveError(std::move(message), ExitCode::input) {}
};

// Builds "where: error: what" in the compiler style used throughout mspipe.
std::string format_error(std::string_view where, std::string_view what);

// Turns a failure seen on some ranks into the same CollectiveError on all ranks of
// `comm`: the message of the lowest failing rank is broadcast. Call it on every rank,
// with std::nullopt where nothing went wrong. Returns normally when no rank failed.
void raise_if_any(const Comm& comm, const std::optional<std::string>& local_error,
                  ExitCode code);

// Runs fn() on every rank; if it throws a CollectiveError (or InputError / ConfigError)
// on some ranks only, the error is made collective with raise_if_any. Useful where
// only rank 0 touches a file.
template <class Fn>
void collective(const Comm& comm, ExitCode code, Fn&& fn) {
  std::optional<std::string> err;
  try {
    fn();
  } catch (const CollectiveError& e) {
    err = e.what();
  }
  raise_if_any(comm, err, code);
}

// Prints "[rank r role] message" to stderr and calls MPI_Abort. Never returns.
[[noreturn]] void abort_job(const Comm& comm, std::string_view role, std::string_view message);

}  // namespace mspipe::core
