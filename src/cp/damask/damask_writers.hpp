#pragma once
// DAMASK_grid v3.0.2 input files written from the in-memory objects, the inverse of
// damask_files.hpp: what these write, those read back to the same GridMaterial, Phase,
// LoadCase and SolverNumerics.
//
//   geom.vti       cells, size (spacing = size / cells), origin 0, cell data "material"
//                  (0-based material ids, Int32).
//   material.yaml  homogenization "direct" (N_constituents 1, mechanical type pass); per
//                  phase lattice (+ c/a for hP), Hooke (C_ij) and phenopowerlaw with
//                  per-family values and interaction coefficients recovered from the
//                  expanded per-system ones; output [F, P] so the result file holds the
//                  fields the result reader averages; one material per grain with its
//                  orientation O = [w, x, y, z].
//   load.yaml      solver spectral_basic; per step dot_F/F/L and P/dot_P with 'x' where a
//                  component is not prescribed by that measure; t, N, f_out,
//                  estimate_rate.
//   numerics.yaml  solver.grid (N_cutback_max and the mechanical tolerances) and
//                  phase.mechanical (state and Lp integration). Our own SNES method has
//                  no DAMASK counterpart (DAMASK_grid always uses NGMRES) and is not written.
//
// Every writer writes `<file>.tmp` and renames it, so no half-written file is left.
#include <filesystem>

#include "cp/load_case.hpp"
#include "cp/phase.hpp"
#include "cp/spectral_solver.hpp"

namespace mspipe::cp::damask {

enum class GeometryEncoding { plain, zlib };

void write_geometry(const std::filesystem::path& file, const GridMaterial& grid,
                    GeometryEncoding encoding = GeometryEncoding::zlib);
void write_material(const std::filesystem::path& file, const GridMaterial& grid);
void write_load(const std::filesystem::path& file, const LoadCase& load);
void write_numerics(const std::filesystem::path& file, const SolverNumerics& numerics);

// The DAMASK parameters of a phase (per family, interaction coefficients by type), such
// that make_phase(phase_parameters(p)) reproduces p.
PhaseSpec phase_parameters(const Phase& phase);

// The names the phases get in material.yaml: their own where that is a usable HDF5 group
// name in DAMASK's result (letters, digits, '_', '-') and unique; otherwise the name with
// other characters replaced by '_' (or "phase") and "_<index>" appended.
std::vector<std::string> phase_labels(const GridMaterial& grid);

}  // namespace mspipe::cp::damask
