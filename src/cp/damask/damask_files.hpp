#pragma once
// DAMASK_grid v3.0.2 input files, the supported subset: material.yaml (homogenization
// "pass" with one constituent, Hooke elasticity, phenopowerlaw plasticity), load.yaml
// (spectral_basic; dot_F/F/L and P/dot_P conditions) and numerics.yaml (grid
// mechanical tolerances, material-point integration). Anything outside the subset is an
// InputError naming the file, line and key. geom.vti is read through io::vti.
#include <filesystem>
#include <string>

#include "cp/load_case.hpp"
#include "cp/spectral_solver.hpp"

namespace mspipe::cp::damask {

// Phases and materials (grain orientations) of a material.yaml into `grid`.
void read_material(const std::filesystem::path& file, GridMaterial& grid);
// Cells, size and material ids of a geom.vti into `grid`.
void read_geometry(const std::filesystem::path& file, GridMaterial& grid);
LoadCase read_load(const std::filesystem::path& file);
// Numerics on top of `numerics` (DAMASK defaults where a key is absent).
void read_numerics(const std::filesystem::path& file, SolverNumerics& numerics);

}  // namespace mspipe::cp::damask
