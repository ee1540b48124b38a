#include "cp/engine.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iterator>
#include <limits>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "cp/simulation.hpp"

namespace mspipe::cp {

std::string_view status_name(RunStatus s) {
  switch (s) {
    case RunStatus::converged: return "converged";
    case RunStatus::not_converged: return "not_converged";
    case RunStatus::failed: return "failed";
    case RunStatus::stopped: return "stopped";
  }
  return "unknown";
}

EngineRun Engine::run_with_stop(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                                std::int64_t ve_id, const StopCheck& stop) const {
  if (stop && comm.any(stop())) {
    EngineRun out;
    out.status = RunStatus::stopped;
    return out;
  }
  return run(comm, grid, load, ve_id);
}

EngineRun SpectralEngine::run(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                              std::int64_t ve_id) const {
  return run_with_stop(comm, grid, load, ve_id, {});
}

EngineRun SpectralEngine::run_with_stop(const core::Comm& comm, const GridMaterial& grid, const LoadCase& load,
                                        std::int64_t, const StopCheck& stop) const {
  EngineRun out;
  out.result = SpectralSolver(comm, grid, numerics_).run(load, {}, stop);
  out.status = out.result.stopped     ? RunStatus::stopped
               : out.result.converged ? RunStatus::converged
                                      : RunStatus::not_converged;
  return out;
}

double axial_strain(const IncrementResult& increment) { return increment.F_avg(2, 2) - 1.0; }

StressCurve stress_curve(const SimulationResult& r, int points) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  StressCurve c;
  c.stress.assign(std::size_t(points) * 6, nan);
  c.strain.assign(std::size_t(points), nan);
  for (std::size_t k = 0; k < std::size_t(points) && k < r.increments.size(); ++k) {
    const auto& inc = r.increments[k];
    if (!inc.converged) break;
    const auto v = voigt_stress(inc.sigma_avg);
    std::copy(v.begin(), v.end(), c.stress.begin() + std::ptrdiff_t(6 * k));
    c.strain[k] = axial_strain(inc);
    c.iterations += inc.iterations;
  }
  return c;
}

Phase read_material_choice(const core::Section& s) {
  if (s.kind("material") == core::ValueKind::table) return read_material(s.section("material"));
  const std::string name = s.string("material", "Cu");
  if (name == "Cu" || name == "Mg") return make_phase(preset_phase(name));
  std::ifstream in(name);
  if (!in) s.fail("material", fmt::format("'{}' is neither Cu, Mg nor a readable TOML file", name));
  const auto cfg = core::Config::parse(std::string(std::istreambuf_iterator<char>(in), {}), name);
  const auto root = cfg.root();
  auto phase = read_material(root.section("material"));
  root.finish();
  return phase;
}

}  // namespace mspipe::cp
