#pragma once
// One external program run to completion as a child process: posix_spawnp (no shell),
// a process group of its own so that a timeout can end it together with everything it
// started (mpirun and its ranks), output to a log file, and an environment without the
// variables by which an enclosing Open MPI / PMIx job describes itself (a child that
// inherited them would try to join that job instead of starting its own).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mspipe::cp::damask {

struct ChildStatus {
  bool started = false;    // false: spawning failed (see error)
  bool timed_out = false;  // killed after the timeout
  int exit_code = -1;      // when it exited normally
  int signal = 0;          // when a signal ended it
  std::string error;       // why it could not be started
  double wall_s = 0;
  bool ok() const { return started && !timed_out && signal == 0 && exit_code == 0; }
  std::string describe() const;  // "exited with status 1", "timed out after 2 s", ...
};

// True for OMPI_*, PMIX_*, PRTE_* and OPAL_* entries ("NAME=value"), except the user's
// permission to run as root (OMPI_ALLOW_RUN_AS_ROOT*), which a nested mpirun needs too.
bool is_mpi_job_variable(std::string_view entry);

// This process's environment without the MPI job variables.
std::vector<std::string> child_environment();

// Runs argv (argv[0] looked up on PATH) in `cwd`, stdin from /dev/null, stdout and stderr
// appended to `log`. timeout_s <= 0: no limit. On timeout the process group gets SIGTERM,
// then SIGKILL two seconds later.
ChildStatus run_child(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::filesystem::path& log, double timeout_s);

}  // namespace mspipe::cp::damask
