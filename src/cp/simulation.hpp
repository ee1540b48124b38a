#pragma once
// The in-memory interface: a generated volume element, a material and a load case
// (both from TOML) and solver numerics, simulated on a communicator.
//
//   [material]            preset = "Cu" | "Mg" (DAMASK's example phases), or lattice /
//                         c_over_a with [material.elastic] and [material.plastic] tables
//                         under DAMASK's key names ("C_11", "N_sl", "h_0_sl-sl", ...);
//                         keys given next to a preset override it.
//   [load]                uniaxial tension: axis = "z", rate (1/s), time (s), increments.
//   [numerics]            method, N_iter_max, eps_rel_div, eps_rel_P, ... (see .cpp).
#include "core/config.hpp"
#include "cp/load_case.hpp"
#include "cp/spectral_solver.hpp"
#include "microstructure/volume_element.hpp"

namespace mspipe::cp {

Phase read_material(const core::Section& material);
LoadCase read_load(const core::Section& load);
SolverNumerics read_numerics(const core::Section& numerics);

// One grain per material entry; cell size = VE resolution in µm. `downsample` > 1 keeps
// every downsample-th voxel along each axis (a coarser grid of the same VE; the size
// must divide by it).
GridMaterial grid_from_ve(const microstructure::VolumeElement& ve, const Phase& phase,
                          int downsample = 1);

// The six stress components stored per increment: σ11, σ22, σ33, σ23, σ13, σ12 (Pa).
std::array<double, 6> voigt_stress(const Mat3& sigma);

}  // namespace mspipe::cp
