#pragma once
// The "simulate" stage: crystal plasticity of the generated VEs, `ranks_per_sim` ranks
// per simulation, groups side by side on sub-communicators. engine = "mspipe" runs our
// spectral solver, engine = "damask_grid" an installed DAMASK_grid on the same inputs
// (cp/damask/damask_grid_runner.hpp).
#include <memory>

namespace mspipe::pipeline {

class Stage;
std::unique_ptr<Stage> make_simulate_stage();

}  // namespace mspipe::pipeline
