#pragma once
// Runs an installed DAMASK_grid (v3.0.2 command line) on a grid, load case and numerics:
// writes the four input files into a work directory, launches
//
//   [launcher...] <executable> --geom <dir>/geom.vti --load <dir>/load.yaml
//       --material <dir>/material.yaml --numerics <dir>/numerics.yaml
//       --workingdirectory <dir> --jobname mspipe
//
// as a child process (posix_spawn, its own process group, stdin /dev/null, stdout and
// stderr to <dir>/damask_grid.log, the environment without the OMPI_*, PMIX_*, PRTE_*
// and OPAL_* variables an enclosing MPI job sets, so a nested mpirun starts a job of its
// own), waits for it (killing the whole process group after `timeout_s`), and reads the
// volume averages per increment from <dir>/mspipe.hdf5 (and iterations from mspipe.sta).
//
// Any failure (the program cannot be started, a non-zero exit status, a signal, the
// timeout, a missing or unreadable result, fewer increments than the load case writes)
// gives a failed outcome with a message naming the log file; nothing here aborts. The
// exception is DAMASK_grid's own verdict that an increment did not converge after all
// cutbacks (error 950, exit status 1): not_converged, with the increments before it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "cp/load_case.hpp"
#include "cp/spectral_solver.hpp"

namespace mspipe::cp::damask {

struct GridRunConfig {
  std::string executable = "DAMASK_grid";  // a path, or a name looked up on PATH
  // Command prefix; "{ranks}" in an element becomes the rank count. Unset: "mpirun -n
  // {ranks}" when ranks > 1, nothing for one rank.
  std::optional<std::vector<std::string>> launcher;
  std::filesystem::path work_dir;           // one subdirectory per simulation is made here
  bool keep_files = false;                  // keep the work directory of a successful run
  double timeout_s = 0;                     // 0: no limit
};

// Reads the optional table `damask_grid` of `parent` ([simulate.damask_grid]: executable,
// launcher, work_dir (relative to output_dir, default "damask_grid"), keep_files,
// timeout_s). The executable (and the launcher's program, mpirun by default when
// ranks > 1) must be found now: ConfigError naming the key otherwise.
GridRunConfig read_grid_run_config(const core::Section& parent,
                                   const std::filesystem::path& output_dir, int ranks);

// The path of an executable: `name` itself when it contains '/', else the first match on
// PATH. Empty when there is none.
std::filesystem::path find_executable(const std::string& name);

// The full command line (launcher, executable and DAMASK_grid's flags) for `ranks`.
std::vector<std::string> grid_command(const GridRunConfig& config,
                                      const std::filesystem::path& executable, int ranks,
                                      const std::filesystem::path& dir);

struct GridRunOutcome {
  bool ok = false;
  // DAMASK_grid gave up on an increment after all cutbacks (its error 950, exit status 1):
  // a result that did not converge, with the increments before that one, not a failure.
  bool not_converged = false;
  std::string message;          // why it failed or stopped (names the log file), empty when ok
  std::filesystem::path log;    // <dir>/damask_grid.log
  SimulationResult result;      // converged = ok; the increments that could be read
};

// True when DAMASK_grid's output `log_tail` (its last lines) reports error 950, "max
// number of cutbacks exceeded": how v3.0.2 ends a run whose increment does not converge.
bool reports_max_cutbacks(std::string_view log_tail);

// Collective over `comm`: its root writes the inputs into `dir`, runs DAMASK_grid on
// comm.size() ranks and reads the result; the other ranks wait (sleeping, not spinning,
// so they leave their cores to DAMASK_grid) and receive the same outcome.
GridRunOutcome run_damask_grid(const core::Comm& comm, const GridMaterial& grid,
                               const LoadCase& load, const SolverNumerics& numerics,
                               const GridRunConfig& config, const std::filesystem::path& dir);

}  // namespace mspipe::cp::damask
