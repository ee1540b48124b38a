#pragma once
// The "simulate" stage: crystal plasticity of the generated VEs, `ranks_per_sim` ranks
// per simulation, groups side by side on sub-communicators.
#include <memory>

namespace mspipe::pipeline {

class Stage;
std::unique_ptr<Stage> make_simulate_stage();

}  // namespace mspipe::pipeline
