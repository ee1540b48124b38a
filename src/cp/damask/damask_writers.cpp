#include "cp/damask/damask_writers.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <numeric>

#include <fmt/core.h>

#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "io/vti.hpp"

namespace mspipe::cp::damask {

namespace {

// Shortest text that reads back to the same double (DAMASK parses it with Fortran's
// list-directed read, which takes this form too).
std::string num(double v) { return fmt::format("{}", v); }

void emit_list(YAML::Emitter& out, const std::vector<double>& values) {
  out << YAML::Flow << YAML::BeginSeq;
  for (double v : values) out << num(v);
  out << YAML::EndSeq;
}

// One value per family from the expanded per-system values: the first system of each
// family. A family without active systems takes the value of the first active family (any
// value is ignored for it; this one is valid wherever the active ones are).
std::vector<double> per_family(const std::vector<double>& per_system, const std::vector<int>& N) {
  std::vector<double> out;
  double fill = 0;
  for (std::size_t f = 0, s = 0; f < N.size(); s += N[f], ++f)
    if (N[f] > 0) {
      fill = per_system[s];
      break;
    }
  for (std::size_t f = 0, s = 0; f < N.size(); s += N[f], ++f)
    out.push_back(N[f] > 0 ? per_system[s] : fill);
  return out;
}

// Interaction coefficients by type from an expanded matrix: `types(values)` builds the
// matrix of the active systems from coefficient values, so building it from 1, 2, 3, ...
// gives each entry's type. The list ends at the highest type the active systems use
// (DAMASK requires no more); types no active pair uses in between are 0.
template <class Build>
std::vector<double> coefficients(const Matrix& h, Build types) {
  std::vector<double> index(255);
  std::iota(index.begin(), index.end(), 1.0);
  const Matrix t = types(index);
  std::vector<double> out(t.size() > 0 ? static_cast<std::size_t>(t.maxCoeff()) : 0, 0.0);
  for (Eigen::Index r = 0; r < t.rows(); ++r)
    for (Eigen::Index a = 0; a < t.cols(); ++a) out[static_cast<std::size_t>(t(r, a)) - 1] = h(r, a);
  return out;
}

std::vector<double> as_doubles(const std::vector<int>& v) { return {v.begin(), v.end()}; }

}  // namespace

PhaseSpec phase_parameters(const Phase& ph) {
  PhaseSpec s;
  s.name = ph.name;
  s.lattice = std::string(bravais_name(ph.lattice));
  const bool hex = ph.lattice == Bravais::hP;
  if (hex) s.c_over_a = ph.c_over_a;
  s.elastic = {{"C_11", {ph.C66(0, 0)}}, {"C_12", {ph.C66(0, 1)}}, {"C_44", {ph.C66(3, 3)}}};
  if (hex) {
    s.elastic["C_13"] = {ph.C66(0, 2)};
    s.elastic["C_33"] = {ph.C66(2, 2)};
  }
  const auto& p = ph.plastic;
  const Bravais b = ph.lattice;
  auto& pl = s.plastic;
  if (!p.N_sl.empty()) pl["N_sl"] = as_doubles(p.N_sl);
  if (!p.N_tw.empty()) pl["N_tw"] = as_doubles(p.N_tw);
  using Values = std::vector<double> PhenoPowerLaw::*;
  if (p.n_sl > 0) {
    for (const auto& [key, values] : {std::pair<const char*, Values>{"dot_gamma_0_sl", &PhenoPowerLaw::dot_gamma_0_sl},
                                      {"n_sl", &PhenoPowerLaw::n_sl_exp},
                                      {"a_sl", &PhenoPowerLaw::a_sl},
                                      {"h_0_sl-sl", &PhenoPowerLaw::h_0_sl_sl},
                                      {"xi_0_sl", &PhenoPowerLaw::xi_0_sl},
                                      {"xi_inf_sl", &PhenoPowerLaw::xi_inf_sl},
                                      {"c_1", &PhenoPowerLaw::c_1},
                                      {"c_2", &PhenoPowerLaw::c_2},
                                      {"f_sat_sl-tw", &PhenoPowerLaw::f_sat_sl_tw}})
      pl[key] = per_family(p.*values, p.N_sl);
    pl["h_sl-sl"] = coefficients(
        p.h_sl_sl, [&](const auto& v) { return slip_slip_interaction(b, p.N_sl, v); });
  }
  if (p.n_tw > 0) {
    for (const auto& [key, values] : {std::pair<const char*, Values>{"dot_gamma_0_tw", &PhenoPowerLaw::dot_gamma_0_tw},
                                      {"n_tw", &PhenoPowerLaw::n_tw_exp},
                                      {"h_0_tw-tw", &PhenoPowerLaw::h_0_tw_tw},
                                      {"xi_0_tw", &PhenoPowerLaw::xi_0_tw},
                                      {"c_3", &PhenoPowerLaw::c_3},
                                      {"c_4", &PhenoPowerLaw::c_4}})
      pl[key] = per_family(p.*values, p.N_tw);
    pl["h_tw-tw"] = coefficients(
        p.h_tw_tw, [&](const auto& v) { return twin_twin_interaction(b, p.N_tw, v); });
  }
  if (p.n_sl > 0 && p.n_tw > 0) {
    pl["h_0_tw-sl"] = per_family(p.h_0_tw_sl, p.N_tw);
    pl["h_sl-tw"] = coefficients(
        p.h_sl_tw, [&](const auto& v) { return slip_twin_interaction(b, p.N_sl, p.N_tw, v); });
    pl["h_tw-sl"] = coefficients(
        p.h_tw_sl, [&](const auto& v) { return twin_slip_interaction(b, p.N_tw, p.N_sl, v); });
  }
  pl["atol_xi"] = {p.atol_xi};
  pl["atol_gamma"] = {p.atol_gamma};
  return s;
}

std::vector<std::string> phase_labels(const GridMaterial& grid) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < grid.phases.size(); ++i) {
    std::string name = grid.phases[i].name;
    bool clean = !name.empty();
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_', clean = false;
    if (name.empty()) name = "phase";
    if (!clean || std::find(out.begin(), out.end(), name) != out.end()) name += fmt::format("_{}", i);
    out.push_back(name);
  }
  return out;
}

void write_geometry(const std::filesystem::path& file, const GridMaterial& grid,
                    GeometryEncoding encoding) {
  io::vti::ImageData image;
  image.cells = grid.cells;
  for (int d = 0; d < 3; ++d) image.spacing[d] = grid.size[d] / grid.cells[d];
  image.cell_data.push_back({"material", 1, grid.material});
  io::vti::write(file, image,
                 encoding == GeometryEncoding::zlib ? io::vti::Encoding::binary_zlib
                                                    : io::vti::Encoding::binary);
}

void write_material(const std::filesystem::path& file, const GridMaterial& grid) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "homogenization" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "direct" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "N_constituents" << YAML::Value << 1;
  out << YAML::Key << "mechanical" << YAML::Value << YAML::Flow << YAML::BeginMap
      << YAML::Key << "type" << YAML::Value << "pass" << YAML::EndMap;
  out << YAML::EndMap << YAML::EndMap;

  const auto labels = phase_labels(grid);
  out << YAML::Key << "phase" << YAML::Value << YAML::BeginMap;
  for (std::size_t i = 0; i < grid.phases.size(); ++i) {
    const auto spec = phase_parameters(grid.phases[i]);
    out << YAML::Key << labels[i] << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "lattice" << YAML::Value << spec.lattice;
    if (spec.c_over_a) out << YAML::Key << "c/a" << YAML::Value << num(*spec.c_over_a);
    out << YAML::Key << "mechanical" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "output" << YAML::Value << YAML::Flow << YAML::BeginSeq << "F" << "P"
        << YAML::EndSeq;
    for (const auto& [section, type, values] :
         {std::tuple{"elastic", "Hooke", &spec.elastic},
          std::tuple{"plastic", "phenopowerlaw", &spec.plastic}}) {
      out << YAML::Key << section << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "type" << YAML::Value << type;
      for (const auto& [key, v] : *values) {
        out << YAML::Key << key << YAML::Value;
        // Elastic constants and tolerances are scalars in DAMASK; the rest are lists.
        if (section == std::string("elastic") || key.rfind("atol_", 0) == 0) out << num(v.at(0));
        else emit_list(out, v);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndMap;

  out << YAML::Key << "material" << YAML::Value << YAML::BeginSeq;
  for (const auto& m : grid.materials) {
    // DAMASK rejects |q| further than 1e-8 from 1; w >= 0 is the same rotation, and the form
    // our reader returns.
    const auto q = texture::standardised(texture::normalised(m.orientation));
    out << YAML::BeginMap << YAML::Key << "homogenization" << YAML::Value << "direct";
    out << YAML::Key << "constituents" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "phase" << YAML::Value << labels.at(std::size_t(m.phase));
    out << YAML::Key << "v" << YAML::Value << "1.0";
    out << YAML::Key << "O" << YAML::Value;
    emit_list(out, {q.w, q.x, q.y, q.z});
    out << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  core::write_file_atomically(file, std::string(out.c_str()) + "\n");
}

namespace {
// A 3x3 tensor with 'x' where `given` is false.
void emit_tensor(YAML::Emitter& out, const Mat3& values, const std::array<bool, 9>& given) {
  out << YAML::Flow << YAML::BeginSeq;
  for (int i = 0; i < 3; ++i) {
    out << YAML::Flow << YAML::BeginSeq;
    for (int j = 0; j < 3; ++j) out << (given[3 * i + j] ? num(values(i, j)) : std::string("x"));
    out << YAML::EndSeq;
  }
  out << YAML::EndSeq;
}
}  // namespace

void write_load(const std::filesystem::path& file, const LoadCase& load) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "solver" << YAML::Value << YAML::BeginMap << YAML::Key << "mechanical"
      << YAML::Value << "spectral_basic" << YAML::EndMap;
  out << YAML::Key << "loadstep" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : load.steps) {
    out << YAML::BeginMap << YAML::Key << "boundary_conditions" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "mechanical" << YAML::Value << YAML::BeginMap;
    const char* def = s.deformation_type == LoadStep::Deformation::dot_F ? "dot_F"
                      : s.deformation_type == LoadStep::Deformation::F   ? "F"
                                                                         : "L";
    out << YAML::Key << def << YAML::Value;
    emit_tensor(out, s.deformation, s.deformation_mask);
    bool any_stress = false;
    for (bool m : s.stress_mask) any_stress = any_stress || m;
    if (any_stress) {
      out << YAML::Key << (s.stress_type == LoadStep::Stress::P ? "P" : "dot_P") << YAML::Value;
      emit_tensor(out, s.stress, s.stress_mask);
    }
    out << YAML::EndMap << YAML::EndMap;
    out << YAML::Key << "discretization" << YAML::Value << YAML::Flow << YAML::BeginMap
        << YAML::Key << "t" << YAML::Value << num(s.t) << YAML::Key << "N" << YAML::Value << s.N
        << YAML::EndMap;
    out << YAML::Key << "f_out" << YAML::Value << s.f_out;
    out << YAML::Key << "estimate_rate" << YAML::Value << s.estimate_rate;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  core::write_file_atomically(file, std::string(out.c_str()) + "\n");
}

void write_numerics(const std::filesystem::path& file, const SolverNumerics& n) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "solver" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "grid" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "N_cutback_max" << YAML::Value << n.N_cutback_max;
  out << YAML::Key << "mechanical" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "N_iter_min" << YAML::Value << n.N_iter_min;
  out << YAML::Key << "N_iter_max" << YAML::Value << n.N_iter_max;
  out << YAML::Key << "eps_abs_div(P)" << YAML::Value << num(n.eps_abs_div);
  out << YAML::Key << "eps_rel_div(P)" << YAML::Value << num(n.eps_rel_div);
  out << YAML::Key << "eps_abs_P" << YAML::Value << num(n.eps_abs_P);
  out << YAML::Key << "eps_rel_P" << YAML::Value << num(n.eps_rel_P);
  out << YAML::Key << "update_gamma" << YAML::Value << n.update_gamma;
  if (!n.petsc_options.empty())
    out << YAML::Key << "PETSc_options" << YAML::Value << YAML::DoubleQuoted << n.petsc_options;
  out << YAML::EndMap << YAML::EndMap << YAML::EndMap;

  const auto& m = n.material;
  out << YAML::Key << "phase" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "mechanical" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "r_cutback_min" << YAML::Value << num(m.r_cutback_min);
  out << YAML::Key << "r_cutback" << YAML::Value << num(m.r_cutback);
  out << YAML::Key << "r_increase" << YAML::Value << num(m.r_increase);
  out << YAML::Key << "eps_rel_state" << YAML::Value << num(m.eps_rel_state);
  out << YAML::Key << "N_iter_state_max" << YAML::Value << m.n_iter_state;
  out << YAML::Key << "plastic" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "N_iter_Lp_max" << YAML::Value << m.n_iter_Lp;
  out << YAML::Key << "r_linesearch_Lp" << YAML::Value << num(m.r_linesearch_Lp);
  out << YAML::Key << "eps_rel_Lp" << YAML::Value << num(m.eps_rel_Lp);
  out << YAML::Key << "eps_abs_Lp" << YAML::Value << num(m.eps_abs_Lp);
  out << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  out << YAML::EndMap;
  core::write_file_atomically(file, std::string(out.c_str()) + "\n");
}

}  // namespace mspipe::cp::damask
