#include "cp/damask/damask_grid_engine.hpp"

#include <fmt/core.h>

#include "core/config.hpp"
#include "core/log.hpp"
#include "cp/simulation.hpp"

namespace mspipe::cp::damask {

EngineRun DamaskGridEngine::run(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                                std::int64_t ve_id) const {
  auto out = run_damask_grid(comm, grid, load, numerics_, config_, config_.work_dir / fmt::format("ve_{}", ve_id));
  EngineRun r;
  if (out.not_converged) {
    // As the built-in engine reports it: a result, with the increments that converged.
    if (comm.is_root()) core::log::info("simulate: VE {}: {}", ve_id, out.message);
    r.status = RunStatus::not_converged;
    r.result = std::move(out.result);
    return r;
  }
  if (!out.ok && comm.is_root()) core::log::warn("simulate: VE {}: {}", ve_id, out.message);
  r.status = out.ok ? RunStatus::converged : RunStatus::failed;
  r.message = std::move(out.message);
  r.result = std::move(out.result);
  return r;
}

std::unique_ptr<Engine> read_engine(const core::Section& s, const std::filesystem::path& output_dir, int ranks) {
  SolverNumerics numerics;
  if (auto n = s.optional_section("numerics")) numerics = read_numerics(*n);
  if (s.string("engine", "mspipe", {"mspipe", "damask_grid"}) == "mspipe")
    return std::make_unique<SpectralEngine>(std::move(numerics));
  return std::make_unique<DamaskGridEngine>(read_grid_run_config(s, output_dir, ranks), std::move(numerics));
}

}  // namespace mspipe::cp::damask
