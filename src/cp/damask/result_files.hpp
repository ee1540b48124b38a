#pragma once
// Per-increment volume averages of a simulation: an HDF5 file (io/cp_increments.hpp,
// schema "mspipe.cp_result" 1) and a CSV beside it with the columns
// increment,time,iterations,F_11..F_33,P_11..P_33,sigma_11..sigma_33. Both are written
// by rank 0 under temporary names and renamed when complete.
#include <filesystem>
#include <string>

#include "core/comm.hpp"
#include "cp/spectral_solver.hpp"

namespace mspipe::cp {

void write_result_csv(const std::filesystem::path& file, const SimulationResult& r);
void write_result_h5(const std::filesystem::path& file, const SimulationResult& r,
                     const GridMaterial& grid, const std::string& method);
// The CSV path beside an HDF5 result: same name, extension .csv.
std::filesystem::path csv_beside(const std::filesystem::path& h5);

}  // namespace mspipe::cp

namespace mspipe::cp {

// The final F and P fields (9 components per cell) and the material ids as a .vti for
// ParaView; collective over the solver's communicator, rank 0 writes.
void write_fields_vti(const std::filesystem::path& file, const SpectralSolver& solver,
                      const GridMaterial& grid, const core::Comm& comm);

}  // namespace mspipe::cp
