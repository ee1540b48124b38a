#pragma once
// The engine that runs an installed DAMASK_grid per simulation (damask_grid_runner.hpp),
// and the choice between it and the built-in spectral solver that a configuration makes.
#include <filesystem>
#include <memory>

#include "cp/damask/damask_grid_runner.hpp"
#include "cp/engine.hpp"

namespace mspipe::cp::damask {

class DamaskGridEngine final : public Engine {
 public:
  DamaskGridEngine(GridRunConfig config, SolverNumerics numerics)
      : config_(std::move(config)), numerics_(std::move(numerics)) {}
  std::string_view name() const override { return "damask_grid"; }
  // Runs in <work_dir>/ve_<id>. Anything that keeps DAMASK_grid from producing a whole
  // result is `failed`, with the message naming its log file.
  EngineRun run(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                std::int64_t ve_id) const override;

 private:
  GridRunConfig config_;
  SolverNumerics numerics_;
};

// The engine `parent` names: engine = "mspipe" (default) with [parent.numerics], or
// "damask_grid" with [parent.damask_grid] (work_dir relative to output_dir) for groups of
// `ranks` ranks. ConfigError naming the key otherwise.
std::unique_ptr<Engine> read_engine(const core::Section& parent, const std::filesystem::path& output_dir,
                                    int ranks);

}  // namespace mspipe::cp::damask
