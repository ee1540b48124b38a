#pragma once
// A crystal plasticity engine: one simulation of a grid under a load case on the
// communicator it is given. The simulate stage and the campaign's worker groups call
// only this interface; the built-in spectral solver (SpectralEngine, below) and an
// installed DAMASK_grid (cp/damask/damask_grid_engine.hpp) implement it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cp/spectral_solver.hpp"

namespace mspipe::core {
class Comm;
class Section;
}  // namespace mspipe::core

namespace mspipe::cp {

// How one simulation ended. A run that does not converge is a result; `failed` is an
// error confined to the run (a program that crashed, an unreadable result); `stopped`:
// the caller's stop check ended it (a wall limit, a graceful stop), never a result.
enum class RunStatus : std::int8_t { converged = 0, not_converged = 1, failed = 2, stopped = 3 };
std::string_view status_name(RunStatus s);

// Asked at iteration boundaries; true ends the run as RunStatus::stopped. Local to the
// rank that asks: an engine combines the answers over its communicator, so that every
// rank stops at the same iteration.
using StopCheck = std::function<bool()>;

struct EngineRun {
  RunStatus status = RunStatus::converged;
  std::string message;       // why it failed; empty otherwise
  SimulationResult result;   // the increments that were computed (all of them when converged)
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string_view name() const = 0;
  // Collective over `comm`; every rank returns the same status. `ve_id` names the run
  // (work folders, messages). Throws only for errors that concern every run alike.
  virtual EngineRun run(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                        std::int64_t ve_id) const = 0;
  // The same run, asking `stop` as it goes. An engine that cannot stop inside a run asks
  // once, before it starts (this default).
  virtual EngineRun run_with_stop(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                                  std::int64_t ve_id, const StopCheck& stop) const;
};

class SpectralEngine final : public Engine {
 public:
  explicit SpectralEngine(SolverNumerics numerics) : numerics_(std::move(numerics)) {}
  std::string_view name() const override { return "mspipe"; }
  EngineRun run(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                std::int64_t ve_id) const override;
  // Stops between SNES iterations (SpectralSolver::run).
  EngineRun run_with_stop(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                          std::int64_t ve_id, const StopCheck& stop) const override;

 private:
  SolverNumerics numerics_;
};

// A run reduced to what a dataset stores: the curve at every output increment (0 = the
// initial state). Entries after an increment that did not converge are NaN.
struct StressCurve {
  std::vector<double> stress;  // points × 6: σ11 σ22 σ33 σ23 σ13 σ12 (Pa), volume averages
  std::vector<double> strain;  // points: the axial strain (see axial_strain)
  std::int64_t iterations = 0; // over the converged increments
};
StressCurve stress_curve(const SimulationResult& r, int points);

// The strain of a curve: engineering strain along the load axis z, F_zz − 1 of the
// average deformation gradient (the quantity DAMASK's uniaxial tests plot).
double axial_strain(const IncrementResult& increment);

// The phase [parent].material names: "Cu" or "Mg" (DAMASK's example phases), a TOML file
// with a [material] table, or an inline [parent.material] table (see simulation.hpp for
// its keys). ConfigError with the key's place when it is none of these.
Phase read_material_choice(const core::Section& parent);

}  // namespace mspipe::cp
