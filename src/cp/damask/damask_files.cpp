#include "cp/damask/damask_files.hpp"

#include <cmath>

#include <fmt/core.h>

#include "core/errors.hpp"
#include "cp/damask/yaml_util.hpp"
#include "io/vti.hpp"

namespace mspipe::cp::damask {

namespace {

// Numbers (or lists of numbers) of one parameter section; string-valued keys that only
// name outputs or references are skipped.
std::map<std::string, std::vector<double>> parameters(const YamlFile& f, const YAML::Node& m,
                                                      const std::string& path, std::string& type) {
  std::map<std::string, std::vector<double>> out;
  for (const auto& kv : m) {
    const std::string k = kv.first.Scalar();
    if (k == "type") type = f.string(kv.second, join(path, k));
    else if (k == "output" || k == "references") continue;
    else out[k] = f.numbers(kv.second, join(path, k));
  }
  return out;
}

YAML::Node key_node(const YAML::Node& m, const std::string& key) {
  for (const auto& kv : m)
    if (kv.first.Scalar() == key) return kv.first;
  return m;
}

}  // namespace

void read_material(const std::filesystem::path& file, GridMaterial& grid) {
  const YamlFile f(file.string());
  const auto& root = f.root();
  f.only(root, {"homogenization", "phase", "material"}, "");
  // Homogenizations: only DAMASK's single-crystal "pass" scheme.
  const auto hom = f.map(root, "homogenization", "");
  std::set<std::string> homogenizations;
  for (const auto& kv : hom) {
    const std::string name = kv.first.Scalar(), path = join("homogenization", name);
    if (!kv.second.IsMap()) f.fail(kv.second, path, "expected a mapping");
    f.only(kv.second, {"N_constituents", "mechanical"}, path);
    if (!kv.second["N_constituents"] || f.number(kv.second["N_constituents"], path + ".N_constituents") != 1)
      f.fail(kv.second, path + ".N_constituents", "only one constituent per material is supported");
    const auto mech = f.map(kv.second, "mechanical", path);
    f.only(mech, {"type", "output"}, path + ".mechanical");
    if (!mech["type"] || f.string(mech["type"], path + ".mechanical.type") != "pass")
      f.fail(mech, path + ".mechanical.type", "only 'pass' is supported");
    homogenizations.insert(name);
  }
  // Phases.
  const auto phases = f.map(root, "phase", "");
  std::map<std::string, int> phase_index;
  grid.phases.clear();
  for (const auto& kv : phases) {
    const std::string name = kv.first.Scalar(), path = join("phase", name);
    if (!kv.second.IsMap()) f.fail(kv.second, path, "expected a mapping");
    f.only(kv.second, {"lattice", "c/a", "mechanical", "references"}, path);
    PhaseSpec spec;
    spec.name = name;
    if (!kv.second["lattice"]) f.fail(kv.second, path + ".lattice", "is required");
    spec.lattice = f.string(kv.second["lattice"], path + ".lattice");
    if (kv.second["c/a"]) spec.c_over_a = f.number(kv.second["c/a"], path + ".c/a");
    const auto mech = f.map(kv.second, "mechanical", path);
    f.only(mech, {"output", "elastic", "plastic"}, path + ".mechanical");
    const auto el = f.map(mech, "elastic", path + ".mechanical");
    const auto pl = f.map(mech, "plastic", path + ".mechanical");
    spec.elastic = parameters(f, el, path + ".mechanical.elastic", spec.elastic_type);
    spec.plastic = parameters(f, pl, path + ".mechanical.plastic", spec.plastic_type);
    try {
      grid.phases.push_back(make_phase(spec));
    } catch (const ParamError& e) {
      const YAML::Node& sec = e.section == "elastic" ? el : e.section == "plastic" ? pl : kv.second;
      const std::string where = e.section.empty() ? path : path + ".mechanical." + e.section;
      f.fail(key_node(sec, e.key), join(where, e.key), e.what());
    }
    phase_index[name] = static_cast<int>(grid.phases.size()) - 1;
  }
  // Materials: one constituent each, its phase and orientation.
  const auto mat = root["material"];
  if (!mat || !mat.IsSequence()) f.fail(root, "material", "expected a list of materials");
  grid.materials.clear();
  for (std::size_t i = 0; i < mat.size(); ++i) {
    const std::string path = fmt::format("material[{}]", i);
    const auto& m = mat[i];
    if (!m.IsMap()) f.fail(m, path, "expected a mapping");
    f.only(m, {"homogenization", "constituents"}, path);
    if (!m["homogenization"] || !homogenizations.count(f.string(m["homogenization"], path + ".homogenization")))
      f.fail(m, path + ".homogenization", "names no homogenization of this file");
    const auto cs = m["constituents"];
    if (!cs || !cs.IsSequence() || cs.size() != 1)
      f.fail(m, path + ".constituents", "expected a list with one constituent");
    const auto& c = cs[0];
    const std::string cp = path + ".constituents[0]";
    if (!c.IsMap()) f.fail(c, cp, "expected a mapping");
    f.only(c, {"phase", "v", "O"}, cp);
    if (!c["phase"]) f.fail(c, cp + ".phase", "is required");
    const auto it = phase_index.find(f.string(c["phase"], cp + ".phase"));
    if (it == phase_index.end()) f.fail(c["phase"], cp + ".phase", "names no phase of this file");
    if (c["v"] && std::fabs(f.number(c["v"], cp + ".v") - 1.0) > 1e-12)
      f.fail(c["v"], cp + ".v", "the volume fraction of a single constituent must be 1");
    if (!c["O"]) f.fail(c, cp + ".O", "is required");
    const auto q = f.numbers(c["O"], cp + ".O");
    if (q.size() != 4) f.fail(c["O"], cp + ".O", "expected a quaternion [w, x, y, z]");
    const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (std::fabs(norm - 1.0) > 1e-6) f.fail(c["O"], cp + ".O", "is not a unit quaternion");
    grid.materials.push_back(
        {it->second, texture::standardised({q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm})});
  }
}

void read_geometry(const std::filesystem::path& file, GridMaterial& grid) {
  const auto image = io::vti::read(file);
  const auto& ids = image.get("material", file.string()).as_int32(file.string());
  for (int d = 0; d < 3; ++d) {
    if (image.cells[d] < 1)
      throw core::InputError(core::format_error(file.string(), "the grid has no cells"));
    grid.cells[d] = image.cells[d];
    grid.size[d] = image.spacing[d] * image.cells[d];
    if (!(grid.size[d] > 0))
      throw core::InputError(core::format_error(file.string(), "Spacing must be positive"));
  }
  grid.material.assign(ids.begin(), ids.end());
  for (auto id : grid.material)
    if (id < 0)
      throw core::InputError(
          core::format_error(file.string(), fmt::format("negative material id {}", id)));
}

namespace {
// A 3x3 list of numbers or 'x'; `given` marks the numbers.
void read_tensor(const YamlFile& f, const YAML::Node& n, const std::string& path, Mat3& values,
                 std::array<bool, 9>& given) {
  if (!n.IsSequence() || n.size() != 3) f.fail(n, path, "expected a 3x3 list");
  for (int i = 0; i < 3; ++i) {
    if (!n[i].IsSequence() || n[i].size() != 3) f.fail(n[i], path, "expected a 3x3 list");
    for (int j = 0; j < 3; ++j) {
      const auto& e = n[i][j];
      const std::string p = fmt::format("{}[{}][{}]", path, i, j);
      if (e.IsScalar() && e.Scalar() == "x") {
        given[3 * i + j] = false;
        values(i, j) = 0;
      } else {
        given[3 * i + j] = true;
        values(i, j) = f.number(e, p);
      }
    }
  }
}
}  // namespace

LoadCase read_load(const std::filesystem::path& file) {
  const YamlFile f(file.string());
  const auto& root = f.root();
  f.only(root, {"solver", "loadstep"}, "");
  const auto solver = f.map(root, "solver", "");
  f.only(solver, {"mechanical"}, "solver");
  if (!solver["mechanical"] || f.string(solver["mechanical"], "solver.mechanical") != "spectral_basic")
    f.fail(solver, "solver.mechanical", "only 'spectral_basic' is supported");
  const auto steps = root["loadstep"];
  if (!steps || !steps.IsSequence() || steps.size() == 0)
    f.fail(root, "loadstep", "expected a list of load steps");
  LoadCase lc;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const std::string path = fmt::format("loadstep[{}]", s);
    const auto& st = steps[s];
    if (!st.IsMap()) f.fail(st, path, "expected a mapping");
    f.only(st, {"boundary_conditions", "discretization", "f_out", "estimate_rate", "f_restart"}, path);
    LoadStep step;
    const auto bc = f.map(f.map(st, "boundary_conditions", path), "mechanical",
                          path + ".boundary_conditions");
    const std::string bp = path + ".boundary_conditions.mechanical";
    f.only(bc, {"dot_F", "F", "L", "P", "dot_P"}, bp);
    int n_def = 0, n_str = 0;
    std::array<bool, 9> def_given{}, str_given{};
    for (const auto& [key, type] : {std::pair{"dot_F", LoadStep::Deformation::dot_F},
                                    std::pair{"F", LoadStep::Deformation::F},
                                    std::pair{"L", LoadStep::Deformation::L}})
      if (bc[key]) {
        ++n_def;
        step.deformation_type = type;
        read_tensor(f, bc[key], join(bp, key), step.deformation, def_given);
      }
    for (const auto& [key, type] : {std::pair{"P", LoadStep::Stress::P},
                                    std::pair{"dot_P", LoadStep::Stress::dot_P}})
      if (bc[key]) {
        ++n_str;
        step.stress_type = type;
        read_tensor(f, bc[key], join(bp, key), step.stress, str_given);
      }
    if (n_def > 1) f.fail(bc, bp, "give only one of dot_F, F, L");
    if (n_str > 1) f.fail(bc, bp, "give only one of P, dot_P");
    step.deformation_mask = def_given;
    step.stress_mask = str_given;
    const auto disc = f.map(st, "discretization", path);
    f.only(disc, {"t", "N", "r"}, path + ".discretization");
    if (!disc["t"]) f.fail(disc, path + ".discretization.t", "is required");
    if (!disc["N"]) f.fail(disc, path + ".discretization.N", "is required");
    step.t = f.number(disc["t"], path + ".discretization.t");
    const double N = f.number(disc["N"], path + ".discretization.N");
    if (N != std::floor(N) || N < 1) f.fail(disc["N"], path + ".discretization.N", "expected a positive integer");
    step.N = static_cast<int>(N);
    if (disc["r"] && f.number(disc["r"], path + ".discretization.r") != 1.0)
      f.fail(disc["r"], path + ".discretization.r", "only linear time steps (r: 1) are supported");
    if (st["f_out"]) {
      const double v = f.number(st["f_out"], path + ".f_out");
      if (v != std::floor(v) || v < 1) f.fail(st["f_out"], path + ".f_out", "expected a positive integer");
      step.f_out = static_cast<int>(v);
    }
    if (st["estimate_rate"]) {
      const auto e = f.string(st["estimate_rate"], path + ".estimate_rate");
      if (e != "true" && e != "false") f.fail(st["estimate_rate"], path + ".estimate_rate", "expected true or false");
      step.estimate_rate = e == "true";
    }
    const std::string why = check(step);
    if (!why.empty()) f.fail(bc, bp, why);
    lc.steps.push_back(step);
  }
  return lc;
}

void read_numerics(const std::filesystem::path& file, SolverNumerics& num) {
  const YamlFile f(file.string());
  const auto& root = f.root();
  f.only(root, {"solver", "phase"}, "");
  auto get = [&](const YAML::Node& m, const char* key, const std::string& path, auto& out) {
    if (!m[key]) return;
    using T = std::decay_t<decltype(out)>;
    const double v = f.number(m[key], join(path, key));
    if constexpr (std::is_same_v<T, int>) {
      if (v != std::floor(v)) f.fail(m[key], join(path, key), "expected an integer");
      out = static_cast<int>(v);
    } else {
      out = v;
    }
  };
  if (root["solver"]) {
    const auto solver = f.map(root, "solver", "");
    f.only(solver, {"grid"}, "solver");
    const auto grid = f.map(solver, "grid", "solver");
    f.only(grid, {"N_cutback_max", "mechanical"}, "solver.grid");
    get(grid, "N_cutback_max", "solver.grid", num.N_cutback_max);
    if (grid["mechanical"]) {
      const auto m = f.map(grid, "mechanical", "solver.grid");
      const std::string p = "solver.grid.mechanical";
      f.only(m, {"N_iter_min", "N_iter_max", "eps_abs_div(P)", "eps_rel_div(P)", "eps_abs_P",
                 "eps_rel_P", "update_gamma", "PETSc_options"}, p);
      get(m, "N_iter_min", p, num.N_iter_min);
      get(m, "N_iter_max", p, num.N_iter_max);
      get(m, "eps_abs_div(P)", p, num.eps_abs_div);
      get(m, "eps_rel_div(P)", p, num.eps_rel_div);
      get(m, "eps_abs_P", p, num.eps_abs_P);
      get(m, "eps_rel_P", p, num.eps_rel_P);
      if (m["update_gamma"]) {
        const auto v = f.string(m["update_gamma"], p + ".update_gamma");
        if (v != "true" && v != "false") f.fail(m["update_gamma"], p + ".update_gamma", "expected true or false");
        num.update_gamma = v == "true";
      }
      if (m["PETSc_options"]) num.petsc_options = f.string(m["PETSc_options"], p + ".PETSc_options");
      if (num.N_iter_max < 1 || num.N_iter_min < 1 || num.N_iter_min > num.N_iter_max)
        f.fail(m, p, "need 1 <= N_iter_min <= N_iter_max");
      for (double v : {num.eps_abs_div, num.eps_rel_div, num.eps_abs_P, num.eps_rel_P})
        if (!(v > 0)) f.fail(m, p, "tolerances must be positive");
    }
  }
  if (root["phase"]) {
    const auto ph = f.map(root, "phase", "");
    f.only(ph, {"mechanical"}, "phase");
    const auto m = f.map(ph, "mechanical", "phase");
    const std::string p = "phase.mechanical";
    f.only(m, {"r_cutback_min", "r_cutback", "r_increase", "eps_rel_state", "N_iter_state_max",
               "integrator_state", "plastic"}, p);
    auto& mn = num.material;
    get(m, "r_cutback_min", p, mn.r_cutback_min);
    get(m, "r_cutback", p, mn.r_cutback);
    get(m, "r_increase", p, mn.r_increase);
    get(m, "eps_rel_state", p, mn.eps_rel_state);
    get(m, "N_iter_state_max", p, mn.n_iter_state);
    if (m["integrator_state"] && f.string(m["integrator_state"], p + ".integrator_state") != "FPI")
      f.fail(m["integrator_state"], p + ".integrator_state", "only 'FPI' is supported");
    if (m["plastic"]) {
      const auto pl = f.map(m, "plastic", p);
      const std::string pp = p + ".plastic";
      f.only(pl, {"N_iter_Lp_max", "r_linesearch_Lp", "eps_rel_Lp", "eps_abs_Lp"}, pp);
      get(pl, "N_iter_Lp_max", pp, mn.n_iter_Lp);
      get(pl, "r_linesearch_Lp", pp, mn.r_linesearch_Lp);
      get(pl, "eps_rel_Lp", pp, mn.eps_rel_Lp);
      get(pl, "eps_abs_Lp", pp, mn.eps_abs_Lp);
    }
  }
}

}  // namespace mspipe::cp::damask
