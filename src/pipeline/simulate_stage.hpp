#pragma once
// The "simulate" stage: crystal plasticity of the VEs of a VE set, `ranks_per_sim` ranks
// per simulation, groups side by side on sub-communicators, through a cp::Engine
// (engine = "mspipe", the built-in spectral solver, or "damask_grid").
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "cp/engine.hpp"
#include "cp/load_case.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

struct SimulateJob {
  std::filesystem::path input;   // VE set
  std::filesystem::path output;  // CP results (io/cp_results.hpp)
  cp::Phase phase;
  cp::LoadCase load;
  int ranks_per_sim = 1;
  int downsample = 1;            // keep every n-th voxel per axis
  std::int64_t count = 0;        // the first `count` VEs of the set; 0: all
  // "file:line:col" of the keys checked at run time, for their messages.
  std::string ranks_per_sim_where, downsample_where;
};

// Collective over `world`: group g of world.size() / ranks_per_sim groups simulates the
// VEs g, g + groups, ...; rank 0 writes one row per VE in set order. The result does not
// depend on the rank count or ranks_per_sim.
void run_simulations(const core::Comm& world, const SimulateJob& job, const cp::Engine& engine);

class Stage;
std::unique_ptr<Stage> make_simulate_stage();

}  // namespace mspipe::pipeline
