#include "cp/simulation.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "core/errors.hpp"

namespace mspipe::cp {

namespace {

// Every key of a table as a list of numbers (a scalar becomes a list of one).
std::map<std::string, std::vector<double>> numbers_of(const core::Section& s,
                                                      std::string& type) {
  std::map<std::string, std::vector<double>> out;
  for (const auto& k : s.keys()) {
    if (k == "type") {
      type = s.string(k);
      continue;
    }
    if (s.kind(k) == core::ValueKind::array) out[k] = s.numbers(k);
    else out[k] = {s.number(k)};
  }
  return out;
}

}  // namespace

Phase read_material(const core::Section& m) {
  PhaseSpec spec;
  const std::string preset = m.string("preset", "", {"", "Cu", "Mg"});
  if (!preset.empty()) spec = preset_phase(preset);
  spec.name = m.string("name", preset.empty() ? std::string("phase") : preset);
  spec.lattice = m.string("lattice", spec.lattice.empty() ? std::optional<std::string>() : spec.lattice,
                          {"cF", "hP"});
  if (m.has("c_over_a") || spec.lattice == "hP")
    spec.c_over_a = m.number("c_over_a", spec.c_over_a, core::Range::between(1.0, 2.0));
  if (auto el = m.optional_section("elastic")) {
    for (auto& [k, v] : numbers_of(*el, spec.elastic_type)) spec.elastic[k] = v;
  }
  if (auto pl = m.optional_section("plastic")) {
    for (auto& [k, v] : numbers_of(*pl, spec.plastic_type)) spec.plastic[k] = v;
  }
  try {
    Phase p = make_phase(spec);
    m.finish();
    return p;
  } catch (const ParamError& e) {
    const std::string sub = e.section.empty() ? "" : e.section;
    if (!sub.empty() && m.has(sub)) m.section(sub).fail(e.key, e.what());
    m.fail(e.key, e.what());
  }
}

LoadCase read_load(const core::Section& s) {
  const std::string axis = s.string("axis", "z", {"z"});
  (void)axis;
  const double rate = s.number("rate", 1e-3, core::Range::positive());
  const double time = s.number("time", 10.0, core::Range::positive());
  const auto n = s.integer("increments", 20, core::Range::at_least(1));
  s.finish();
  return uniaxial_tension_z(rate, time, static_cast<int>(n));
}

SolverNumerics read_numerics(const core::Section& s) {
  SolverNumerics n;
  n.method = parse_snes_method(
      s.string("method", "auto", {snes_method_names[0], snes_method_names[1], snes_method_names[2], snes_method_names[3]}));
  n.N_iter_min = static_cast<int>(s.integer("N_iter_min", n.N_iter_min, core::Range::at_least(1)));
  n.N_iter_max = static_cast<int>(s.integer("N_iter_max", n.N_iter_max, core::Range::at_least(1)));
  if (n.N_iter_min > n.N_iter_max) s.fail("N_iter_min", "must not exceed N_iter_max");
  n.eps_abs_div = s.number("eps_abs_div", n.eps_abs_div, core::Range::positive());
  n.eps_rel_div = s.number("eps_rel_div", n.eps_rel_div, core::Range::positive());
  n.eps_abs_P = s.number("eps_abs_P", n.eps_abs_P, core::Range::positive());
  n.eps_rel_P = s.number("eps_rel_P", n.eps_rel_P, core::Range::positive());
  n.N_cutback_max = static_cast<int>(s.integer("N_cutback_max", n.N_cutback_max, core::Range::non_negative()));
  n.petsc_options = s.string("petsc_options", "");
  n.material.warm_state = s.boolean("warm_state", n.material.warm_state);
  n.material.elastic_predictor = s.boolean("elastic_predictor", n.material.elastic_predictor);
  n.material.implicit_twin_fraction =
      s.boolean("implicit_twin_fraction", n.material.implicit_twin_fraction);
  n.material.lockstep = s.boolean("lockstep", n.material.lockstep);
  s.finish();
  return n;
}

GridMaterial grid_from_ve(const microstructure::VolumeElement& ve, const Phase& phase,
                          int f) {
  if (f < 1 || ve.size % f != 0)
    throw std::invalid_argument(fmt::format("cannot downsample {}^3 voxels by {}", ve.size, f));
  GridMaterial g;
  const int n = ve.size / f;
  g.cells = {n, n, n};
  const double h = ve.resolution * 1e-6;
  g.size = {h * ve.size, h * ve.size, h * ve.size};
  g.material.resize(std::size_t(n) * n * n);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        g.material[x + std::size_t(n) * (y + std::size_t(n) * z)] =
            ve.grain_id[f * x + std::size_t(ve.size) * (f * y + std::size_t(ve.size) * f * z)];
  g.phases = {phase};
  for (const auto& grain : ve.grains) g.materials.push_back({0, grain.orientation});
  return g;
}

std::array<double, 6> voigt_stress(const Mat3& s) {
  return {s(0, 0), s(1, 1), s(2, 2), s(1, 2), s(0, 2), s(0, 1)};
}

}  // namespace mspipe::cp
