#pragma once
// Three scopes of failure:
//  - CollectiveError: every rank of a communicator detects the same problem (bad config,
//    missing input). Rank 0 prints one message, every rank returns exit_code(). The
//    driver takes it for agreed on the whole job: one agreed on a group's communicator
//    only must not leave the group (the other groups would wait), so inside a worker
//    group it is caught by run_confined like any other exception.
//  - a failure confined to one worker group (run_confined below): the group agrees on a
//    message and reports it as a result (e.g. a simulation's status "failed"); the rest of
//    the job goes on. Only code whose collectives are all on the group's communicator and
//    that reaches the agreement point on every rank of the group may run confined.
//  - anything else thrown on one rank: abort_job() prints "[rank r role] message" and
//    aborts the whole job so that no rank waits forever in a collective.
#include <new>
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
  ExitCode code() const { return code_; }
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

// Throws the error that `code` names: ConfigError for config, InputError for input,
// CollectiveError otherwise (so callers may catch the specific type on every rank).
[[noreturn]] void throw_collective(std::string message, ExitCode code);

// The message of the lowest rank of `comm` that has one, on every rank (std::nullopt
// when no rank has one). Call it on every rank. `code`, when given, travels with the
// message: on return it holds the lowest failing rank's code.
std::optional<std::string> first_error(const Comm& comm, const std::optional<std::string>& local_error,
                                       ExitCode* code = nullptr);

// Turns a failure seen on some ranks into the same CollectiveError on all ranks of
// `comm`: the message and exit code of the lowest failing rank are broadcast. Call it on
// every rank, with std::nullopt where nothing went wrong. Returns normally when no rank
// failed.
void raise_if_any(const Comm& comm, const std::optional<std::string>& local_error,
                  ExitCode code);

// Runs fn() on every rank; if it throws a CollectiveError (or InputError / ConfigError)
// on some ranks only, the error is made collective with the message and exit code of the
// lowest failing rank (an InputError exits 4 wherever it was thrown).
template <class Fn>
void collective(const Comm& comm, Fn&& fn) {
  std::optional<std::string> err;
  ExitCode code = ExitCode::failure;
  try {
    fn();
  } catch (const CollectiveError& e) {
    err = e.what();
    code = e.code();
  }
  raise_if_any(comm, err, code);
}

// Runs fn() on rank 0 of `comm` only (the pattern for files only rank 0 touches) and
// makes its failure collective: a CollectiveError keeps its message and code, any other
// std::exception becomes ExitCode::failure with its message. Call it on every rank.
template <class Fn>
void on_root(const Comm& comm, Fn&& fn);

// Runs fn() on every rank of `group` and returns std::nullopt when it succeeded on all of
// them, or else the message of the lowest failing rank, on every rank of the group,
// instead of throwing: a failure confined to the group, which reports it as a result.
// Any std::exception counts (a CollectiveError too) except std::bad_alloc, which
// propagates: the agreement itself allocates, and memory exhausted on a node is shared by
// the other groups there, so the job should stop (and resume) rather than go on.
// Caveat: the agreement is a collective on `group`. A rank that throws while its peers
// wait inside another collective of the group cannot be rescued (they never reach the
// agreement: the group hangs until a group-level timeout or an abort). Confined code must
// fail identically on every rank of the group (a check of a value all ranks hold, or after
// its own agreement, as a failed material point), or only where no collective is left in
// fn for its peers, or run on a group of one rank (ranks_per_sim = 1). The cp solver:
// a PETSc callback that throws on one rank returns an error code on that rank only,
// while its peers go on into the next all-reduce of the residual; so with more than one
// rank per simulation an exception raised on some ranks only still hangs the group.
template <class Fn>
std::optional<std::string> run_confined(const Comm& group, Fn&& fn) {
  std::optional<std::string> err;
  try {
    fn();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    err = e.what();
  }
  return first_error(group, err);
}

// Prints "[rank r role] message" to stderr and calls MPI_Abort. Never returns.
[[noreturn]] void abort_job(const Comm& comm, std::string_view role, std::string_view message);

bool is_root_rank(const Comm& comm);  // comm.is_root() without including comm.hpp

template <class Fn>
void on_root(const Comm& comm, Fn&& fn) {
  std::optional<std::string> err;
  ExitCode code = ExitCode::failure;
  if (is_root_rank(comm)) {
    try {
      fn();
    } catch (const CollectiveError& e) {
      err = e.what();
      code = e.code();
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      err = e.what();
    }
  }
  raise_if_any(comm, err, code);
}

}  // namespace mspipe::core
