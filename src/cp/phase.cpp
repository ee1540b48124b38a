#include "cp/phase.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "core/suggest.hpp"

namespace mspipe::cp {

namespace {

// Reads parameters of one section and remembers which keys were used.
class Reader {
 public:
  Reader(std::string section, const std::map<std::string, std::vector<double>>& values)
      : section_(std::move(section)), values_(values) {}

  bool has(const std::string& key) const { return values_.count(key) != 0; }

  const std::vector<double>& list(const std::string& key) {
    known_.ask(key);
    auto it = values_.find(key);
    if (it == values_.end()) fail(key, "is required");
    return it->second;
  }
  std::vector<double> list_or(const std::string& key, std::vector<double> fallback) {
    known_.ask(key);
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  double scalar(const std::string& key, std::optional<double> fallback = std::nullopt) {
    known_.ask(key);
    auto it = values_.find(key);
    if (it == values_.end()) {
      if (!fallback) fail(key, "is required");
      return *fallback;
    }
    if (it->second.size() != 1) fail(key, fmt::format("expected one number, got {}", it->second.size()));
    return it->second[0];
  }
  // A per-family list of `families` numbers expanded to one value per system.
  std::vector<double> per_family(const std::string& key, const std::vector<int>& n,
                                 std::optional<double> fallback = std::nullopt) {
    known_.ask(key);
    std::vector<double> fam;
    auto it = values_.find(key);
    if (it == values_.end()) {
      if (!fallback) fail(key, "is required");
      fam.assign(n.size(), *fallback);
    } else {
      fam = it->second;
    }
    if (fam.size() != n.size())
      fail(key, fmt::format("expected {} values (one per family), got {}", n.size(), fam.size()));
    std::vector<double> out;
    for (std::size_t f = 0; f < n.size(); ++f)
      for (int s = 0; s < n[f]; ++s) out.push_back(fam[f]);
    return out;
  }
  void accept(const std::string& key) { known_.ask(key); }
  void finish() const {
    std::vector<std::string> present;
    for (const auto& [k, v] : values_) present.push_back(k);
    if (auto k = known_.first_unasked(present))
      fail(*k, "is not a known parameter (supported: Hooke + phenopowerlaw)");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw ParamError(section_, key, what);
  }

 private:
  std::string section_;
  const std::map<std::string, std::vector<double>>& values_;
  core::AskedKeys known_;
};

std::vector<int> as_counts(Reader& r, const std::string& key) {
  std::vector<int> n;
  if (!r.has(key)) {
    r.accept(key);
    return n;
  }
  for (double v : r.list(key)) {
    if (v != std::floor(v) || v < 0) r.fail(key, "expected non-negative integers");
    n.push_back(static_cast<int>(v));
  }
  return n;
}

void require_positive(Reader& r, const std::string& key, const std::vector<double>& v) {
  for (double x : v)
    if (!(x > 0)) r.fail(key, fmt::format("expected positive values, got {}", x));
}

std::vector<double> flatten(const std::vector<SlipSystem>& s) {
  std::vector<double> out;
  for (const auto& sys : s) {
    const Mat3 p = sys.schmid();
    out.insert(out.end(), p.data(), p.data() + 9);
  }
  return out;
}

// Unknown keys are reported before anything else, with the nearest known key.
void reject_unknown(const std::string& section, const std::map<std::string, std::vector<double>>& v,
                    const std::vector<std::string>& known) {
  for (const auto& [k, unused] : v) {
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    const auto best = core::closest_match(k, known, k.size() / 2);
    throw ParamError(section, k,
                     best ? fmt::format("is not a known parameter (did you mean '{}'?)", *best)
                          : "is not a known parameter (supported: Hooke + phenopowerlaw)");
  }
}

const std::vector<std::string> kElasticKeys = {
    "C_11", "C_12", "C_13", "C_33", "C_44", "C_11,T", "C_12,T", "C_13,T", "C_33,T", "C_44,T",
    "C_11,T^2", "C_12,T^2", "C_13,T^2", "C_33,T^2", "C_44,T^2", "T_ref"};
const std::vector<std::string> kPlasticKeys = {
    "N_sl", "N_tw", "dot_gamma_0_sl", "n_sl", "a_sl", "h_0_sl-sl", "xi_0_sl", "xi_inf_sl", "c_1",
    "c_2", "f_sat_sl-tw", "h_sl-sl", "a_non-Schmid", "dot_gamma_0_tw", "n_tw", "h_0_tw-tw",
    "xi_0_tw", "c_3", "c_4", "h_tw-tw", "h_0_tw-sl", "h_sl-tw", "h_tw-sl", "atol_xi", "atol_gamma"};

}  // namespace

Mat6 hooke_stiffness(Bravais b, double c11, double c12, double c13, double c33, double c44) {
  Mat6 c = Mat6::Zero();
  if (b == Bravais::cF) {
    c13 = c12;
    c33 = c11;
  }
  c(0, 0) = c(1, 1) = c11;
  c(2, 2) = c33;
  c(0, 1) = c(1, 0) = c12;
  c(0, 2) = c(2, 0) = c(1, 2) = c(2, 1) = c13;
  c(3, 3) = c(4, 4) = c44;
  c(5, 5) = b == Bravais::cF ? c44 : 0.5 * (c11 - c12);
  return c;
}

Phase make_phase(const PhaseSpec& spec) {
  Phase ph;
  ph.name = spec.name;
  try {
    ph.lattice = parse_bravais(spec.lattice);
  } catch (const std::invalid_argument& e) {
    throw ParamError("", "lattice", e.what());
  }
  if (ph.lattice == Bravais::hP) {
    if (!spec.c_over_a) throw ParamError("", "c/a", "is required for lattice hP");
    ph.c_over_a = *spec.c_over_a;
    if (!(ph.c_over_a >= 1.0 && ph.c_over_a <= 2.0))
      throw ParamError("", "c/a", fmt::format("{} is outside [1, 2]", ph.c_over_a));
  }

  // --- elasticity: Hooke, evaluated at T = T_ref (no thermal field) ---
  if (spec.elastic_type != "Hooke")
    throw ParamError("elastic", "type", fmt::format("'{}' is not supported (Hooke)", spec.elastic_type));
  reject_unknown("elastic", spec.elastic, kElasticKeys);
  reject_unknown("plastic", spec.plastic, kPlasticKeys);
  Reader el("elastic", spec.elastic);
  const bool hex = ph.lattice == Bravais::hP;
  std::vector<std::string> names = {"C_11", "C_12", "C_44"};
  if (hex) names.insert(names.end(), {"C_13", "C_33"});
  for (const auto& n : names) {
    el.accept(n + ",T");
    el.accept(n + ",T^2");
  }
  el.accept("T_ref");
  const double c11 = el.scalar("C_11"), c12 = el.scalar("C_12"), c44 = el.scalar("C_44");
  const double c13 = hex ? el.scalar("C_13") : c12, c33 = hex ? el.scalar("C_33") : c11;
  el.finish();
  ph.C66 = hooke_stiffness(ph.lattice, c11, c12, c13, c33, c44);
  {
    Eigen::SelfAdjointEigenSolver<Mat6> es(ph.C66);
    if (es.eigenvalues().minCoeff() <= 0)
      throw ParamError("elastic", "C_11", "the stiffness is not positive definite");
  }
  ph.C = voigt_to_t4(ph.C66);

  // --- plasticity: phenopowerlaw as DAMASK v3.0.2 reads it ---
  if (spec.plastic_type != "phenopowerlaw")
    throw ParamError("plastic", "type",
                     fmt::format("'{}' is not supported (phenopowerlaw)", spec.plastic_type));
  Reader pl("plastic", spec.plastic);
  auto& pp = ph.plastic;
  pp.N_sl = as_counts(pl, "N_sl");
  pp.N_tw = as_counts(pl, "N_tw");
  try {
    const auto sl = slip_systems(ph.lattice, pp.N_sl, ph.c_over_a);
    const auto tw = twin_systems(ph.lattice, pp.N_tw, ph.c_over_a);
    pp.n_sl = static_cast<int>(sl.size());
    pp.n_tw = static_cast<int>(tw.size());
    pp.P_sl = flatten(sl);
    pp.P_tw = flatten(tw);
    pp.PP.clear();
    for (int s = 0; s < pp.n_sl + pp.n_tw; ++s) {
      const double* v = s < pp.n_sl ? &pp.P_sl[9 * s] : &pp.P_tw[9 * (s - pp.n_sl)];
      for (int i = 0; i < 9; ++i)
        for (int j = i; j < 9; ++j) pp.PP.push_back(v[i] * v[j]);
    }
  } catch (const std::invalid_argument& e) {
    throw ParamError("plastic", pp.N_tw.empty() ? "N_sl" : "N_sl/N_tw", e.what());
  }
  if (ph.lattice == Bravais::cF && !pp.N_tw.empty() &&
      std::any_of(pp.N_tw.begin(), pp.N_tw.end(), [](int n) { return n > 0; }))
    pl.fail("N_tw", "twinning of cF phases is not supported");
  if (pl.has("a_non-Schmid")) pl.fail("a_non-Schmid", "non-Schmid effects are not supported");

  const auto& Nsl = pp.N_sl;
  const auto& Ntw = pp.N_tw;
  if (pp.n_sl > 0) {
    pp.dot_gamma_0_sl = pl.per_family("dot_gamma_0_sl", Nsl);
    pp.n_sl_exp = pl.per_family("n_sl", Nsl);
    pp.a_sl = pl.per_family("a_sl", Nsl);
    pp.h_0_sl_sl = pl.per_family("h_0_sl-sl", Nsl);
    pp.xi_0_sl = pl.per_family("xi_0_sl", Nsl);
    pp.xi_inf_sl = pl.per_family("xi_inf_sl", Nsl);
    pp.c_1 = pl.per_family("c_1", Nsl, 0.0);
    pp.c_2 = pl.per_family("c_2", Nsl, 1.0);
    pp.f_sat_sl_tw = pl.per_family("f_sat_sl-tw", Nsl, 0.0);
    try {
      pp.h_sl_sl = slip_slip_interaction(ph.lattice, Nsl, pl.list("h_sl-sl"));
    } catch (const std::invalid_argument& e) {
      pl.fail("h_sl-sl", e.what());
    }
    require_positive(pl, "dot_gamma_0_sl", pp.dot_gamma_0_sl);
    require_positive(pl, "n_sl", pp.n_sl_exp);
    require_positive(pl, "a_sl", pp.a_sl);
    require_positive(pl, "xi_0_sl", pp.xi_0_sl);
    require_positive(pl, "xi_inf_sl", pp.xi_inf_sl);
  } else {
    for (const char* k : {"dot_gamma_0_sl", "n_sl", "a_sl", "h_0_sl-sl", "xi_0_sl", "xi_inf_sl",
                          "c_1", "c_2", "f_sat_sl-tw", "h_sl-sl"})
      pl.accept(k);
  }
  if (pp.n_tw > 0) {
    pp.dot_gamma_0_tw = pl.per_family("dot_gamma_0_tw", Ntw);
    pp.n_tw_exp = pl.per_family("n_tw", Ntw);
    pp.h_0_tw_tw = pl.per_family("h_0_tw-tw", Ntw);
    pp.xi_0_tw = pl.per_family("xi_0_tw", Ntw);
    pp.c_3 = pl.per_family("c_3", Ntw, 1.0);
    pp.c_4 = pl.per_family("c_4", Ntw, 0.0);
    pp.gamma_char = twin_shear(ph.lattice, Ntw, ph.c_over_a);
    try {
      pp.h_tw_tw = twin_twin_interaction(ph.lattice, Ntw, pl.list("h_tw-tw"));
    } catch (const std::invalid_argument& e) {
      pl.fail("h_tw-tw", e.what());
    }
    require_positive(pl, "dot_gamma_0_tw", pp.dot_gamma_0_tw);
    require_positive(pl, "n_tw", pp.n_tw_exp);
    require_positive(pl, "xi_0_tw", pp.xi_0_tw);
  } else {
    for (const char* k : {"dot_gamma_0_tw", "n_tw", "h_0_tw-tw", "xi_0_tw", "c_3", "c_4", "h_tw-tw"})
      pl.accept(k);
  }
  if (pp.n_sl > 0 && pp.n_tw > 0) {
    pp.h_0_tw_sl = pl.per_family("h_0_tw-sl", Ntw);
    try {
      pp.h_sl_tw = slip_twin_interaction(ph.lattice, Nsl, Ntw, pl.list("h_sl-tw"));
    } catch (const std::invalid_argument& e) {
      pl.fail("h_sl-tw", e.what());
    }
    try {
      pp.h_tw_sl = twin_slip_interaction(ph.lattice, Ntw, Nsl, pl.list("h_tw-sl"));
    } catch (const std::invalid_argument& e) {
      pl.fail("h_tw-sl", e.what());
    }
  } else {
    pp.h_0_tw_sl.assign(pp.n_tw, 0.0);
    pp.h_sl_tw = Matrix::Zero(pp.n_sl, pp.n_tw);
    pp.h_tw_sl = Matrix::Zero(pp.n_tw, pp.n_sl);
    for (const char* k : {"h_0_tw-sl", "h_sl-tw", "h_tw-sl"}) pl.accept(k);
  }
  pp.atol_xi = pl.scalar("atol_xi", 1.0);
  pp.atol_gamma = pl.scalar("atol_gamma", 1.0e-6);
  if (pp.atol_xi < 0) pl.fail("atol_xi", "must not be negative");
  if (pp.atol_gamma < 0) pl.fail("atol_gamma", "must not be negative");
  if (pp.n_sl + pp.n_tw == 0) pl.fail("N_sl", "no slip or twin system is active");
  if (pp.n_sl > kMaxSlip || pp.n_tw > kMaxTwin) pl.fail("N_sl", "too many systems");
  pl.finish();
  return ph;
}

PhaseSpec preset_phase(const std::string& name) {
  PhaseSpec s;
  s.name = name;
  if (name == "Cu") {
    s.lattice = "cF";
    s.elastic = {{"C_11", {168.9e9}}, {"C_12", {121.8e9}}, {"C_44", {75.8e9}}};
    s.plastic = {{"N_sl", {12}},          {"dot_gamma_0_sl", {3e-3}}, {"n_sl", {20}},
                 {"a_sl", {0.6}},         {"xi_0_sl", {1.6e6}},       {"xi_inf_sl", {96.4e6}},
                 {"h_0_sl-sl", {0.35e9}}, {"h_sl-sl", {1, 1, 5.123, 0.574, 1.123, 1.123, 1}}};
  } else if (name == "Mg") {
    s.lattice = "hP";
    s.c_over_a = 1.6235;
    s.elastic = {{"C_11", {59.5e9}}, {"C_12", {25.6e9}}, {"C_13", {21.5e9}},
                 {"C_33", {61.7e9}}, {"C_44", {16.5e9}}};
    // Interaction coefficients: every type the active families use is 1 (DAMASK's Mg
    // example marks the unused ones with -1).
    s.plastic = {{"N_sl", {3, 3, 6, 0, 6}},
                 {"N_tw", {6, 0, 6}},
                 {"xi_0_sl", {10e6, 55e6, 60e6, 0, 60e6}},
                 {"xi_inf_sl", {40e6, 135e6, 150e6, 0, 150e6}},
                 {"xi_0_tw", {40e6, 0, 60e6}},
                 {"a_sl", {2.25, 2.25, 2.25, 1, 2.25}},
                 {"dot_gamma_0_sl", {1e-3, 1e-3, 1e-3, 0, 1e-3}},
                 {"dot_gamma_0_tw", {1e-3, 0, 1e-3}},
                 {"n_sl", {20, 20, 20, 1, 20}},
                 {"n_tw", {20, 1, 20}},
                 {"f_sat_sl-tw", {10, 10, 10, 0, 10}},
                 {"h_0_sl-sl", {0.5e9, 0.5e9, 0.5e9, 0, 0.5e9}},
                 {"h_0_tw-tw", {50e6, 0, 50e6}},
                 {"h_0_tw-sl", {0.15e9, 0, 0.15e9}},
                 {"h_sl-sl", std::vector<double>(69, 1.0)},
                 {"h_tw-tw", std::vector<double>(20, 1.0)},
                 {"h_tw-sl", std::vector<double>(20, 1.0)},
                 {"h_sl-tw", std::vector<double>(20, 1.0)}};
  } else {
    throw std::invalid_argument(fmt::format("no preset phase '{}' (Cu or Mg)", name));
  }
  return s;
}

}  // namespace mspipe::cp
