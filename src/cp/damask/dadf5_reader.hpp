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
// staggered_iterations".
#include <filesystem>
#include <map>

#include "cp/spectral_solver.hpp"

namespace mspipe::cp::damask {

// Every increment of the file in increasing order; iterations 0, converged true. Throws
// InputError naming the file and object for anything missing or malformed.
SimulationResult read_dadf5(const std::filesystem::path& file);

// Iterations per increment from a .sta file (sub-increments of a cut-back increment
// summed). Throws InputError naming the file and line when it cannot be parsed.
std::map<int, int> read_sta_iterations(const std::filesystem::path& file);

}  // namespace mspipe::cp::damask
