#pragma once
// Volume averages per increment from a DAMASK result file (DADF5, "<jobname>.hdf5" as
// DAMASK_grid v3.0.2 writes it), the same quantities SpectralSolver reports:
//   F_avg = <F>, P_avg = <P>, sigma_avg = <sym(P Fᵀ / det F)>, averages over cells.
//
// Layout read (DAMASK v3.0.2, src/result.f90 and src/phase_mechanical.f90):
//   /cell_to/phase         compound {label: fixed-length string, entry: int64}, shape
//                          (cells, constituents), cells x fastest; entry is the 0-based
//                          row of that cell in its phase's datasets.
//   /increment_<n>         one group per written increment (n = total increment count,
//                          0 = initial state), attribute "t/s" = time in s.
//   /increment_<n>/phase/<label>/mechanical/F, .../P
//                          (entries, 3, 3), row-major tensors (DAMASK transposes its
//                          column-major arrays on writing). Present when the phase's
//                          mechanical output lists F and P.
// Only one constituent per cell is supported (homogenization "pass").
//
// And the statistics file "<jobname>.sta" beside it: a header line, then one line per
// converged (sub-)increment "increment time cutback_level converged iterations
// staggered_iterations" (T or F for converged). A cut-back increment has one line per
// sub-step, all with the increment's number and the level at which it was reached
// (DAMASK_grid v3.0.2 on case D with N_iter_max 1: "1 0.25 1 T 1 2", "1 0.5 1 T 1 2",
// "2 1.0 0 T 1 2"); the attempts that failed and were cut back are not listed.
#include <filesystem>
#include <map>

#include "cp/spectral_solver.hpp"

namespace mspipe::cp::damask {

// Every increment of the file in increasing order; iterations 0, converged true. Throws
// InputError naming the file and object for anything missing or malformed.
SimulationResult read_dadf5(const std::filesystem::path& file);

// What a .sta file says of one increment: the iterations of its converged sub-steps
// summed (DAMASK's count, and SpectralSolver's), and how often its step was halved. The
// level falls by one after each converged increment, so an increment starts at
// max(0, previous level - 1) and was cut back (its highest level - that) times.
struct StaIncrement {
  int iterations = 0;
  int cutbacks = 0;
  int sub_steps = 0;
};

// Per increment number. Throws InputError naming the file and line when it cannot be
// parsed.
std::map<int, StaIncrement> read_sta(const std::filesystem::path& file);

}  // namespace mspipe::cp::damask
