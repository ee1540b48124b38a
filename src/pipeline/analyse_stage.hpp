#pragma once
// The "analyse" stage ([analyse], pipeline/analyse_job.hpp); `mspipe analyse CONFIG` runs
// the same job on its own.
#include <memory>

namespace mspipe::pipeline {

class Stage;
std::unique_ptr<Stage> make_analyse_stage();

}  // namespace mspipe::pipeline
