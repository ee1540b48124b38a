#include "cp/lattice.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/core.h>

#include "cp/lattice_tables.hpp"

namespace mspipe::cp {

namespace {
constexpr int kCfSlip[] = {12, 6};
constexpr int kHpSlip[] = {3, 3, 6, 12, 6};
constexpr int kHpTwin[] = {6, 6, 6, 6};

// Index of each active system in the full table, checking N against the family sizes.
std::vector<int> active_indices(std::span<const int> n, std::span<const int> max, const char* what) {
  if (n.size() > max.size())
    throw std::invalid_argument(fmt::format("{} has {} families, the lattice has {}", what,
                                            n.size(), max.size()));
  std::vector<int> idx;
  int offset = 0;
  for (std::size_t f = 0; f < n.size(); ++f) {
    if (n[f] < 0 || n[f] > max[f])
      throw std::invalid_argument(fmt::format("{}[{}] = {} is outside 0..{}", what, f, n[f], max[f]));
    for (int s = 0; s < n[f]; ++s) idx.push_back(offset + s);
    offset += max[f];
  }
  return idx;
}

template <std::size_t R, std::size_t C>
Matrix build(const std::array<std::array<unsigned char, C>, R>& types,
             const std::vector<int>& reacting, const std::vector<int>& acting,
             std::span<const double> values, const char* what) {
  Matrix m(reacting.size(), acting.size());
  for (std::size_t r = 0; r < reacting.size(); ++r)
    for (std::size_t a = 0; a < acting.size(); ++a) {
      const int t = types[reacting[r]][acting[a]];
      if (t > static_cast<int>(values.size()))
        throw std::invalid_argument(fmt::format(
            "{} needs at least {} interaction coefficients for the active systems, got {}", what,
            t, values.size()));
      m(r, a) = values[t - 1];
    }
  return m;
}
}  // namespace

Bravais parse_bravais(std::string_view p) {
  if (p == "cF") return Bravais::cF;
  if (p == "hP") return Bravais::hP;
  throw std::invalid_argument(fmt::format("lattice '{}' is not supported (cF or hP)", p));
}

std::string_view bravais_name(Bravais b) { return b == Bravais::cF ? "cF" : "hP"; }

std::span<const int> slip_families(Bravais b) {
  if (b == Bravais::cF) return kCfSlip;
  return kHpSlip;
}
std::span<const int> twin_families(Bravais b) {
  if (b == Bravais::cF) return {};
  return kHpTwin;
}

Vec3 hex_direction(double u, double v, double w, double c_over_a) {
  return {1.5 * u, (u + 2.0 * v) * std::sqrt(0.75), w * c_over_a};
}
Vec3 hex_normal(double h, double k, double l, double c_over_a) {
  return {h, (h + 2.0 * k) / std::sqrt(3.0), l / c_over_a};
}

namespace {
template <std::size_t C, std::size_t R>
std::vector<SlipSystem> make_systems(Bravais b, const std::array<std::array<int, C>, R>& table,
                                     const std::vector<int>& idx, double c_over_a) {
  if (b == Bravais::hP && (c_over_a < 1.0 || c_over_a > 2.0))
    throw std::invalid_argument(fmt::format("c/a = {} is outside [1, 2]", c_over_a));
  std::vector<SlipSystem> out;
  for (int p : idx) {
    const auto& s = table[p];
    Vec3 d, n;
    if constexpr (C == 6) {
      d = {double(s[0]), double(s[1]), double(s[2])};
      n = {double(s[3]), double(s[4]), double(s[5])};
    } else {
      d = hex_direction(s[0], s[1], s[3], c_over_a);
      n = hex_normal(s[4], s[5], s[7], c_over_a);
    }
    out.push_back({d.normalized(), n.normalized()});
  }
  return out;
}
}  // namespace

std::vector<SlipSystem> slip_systems(Bravais b, std::span<const int> n, double c_over_a) {
  const auto idx = active_indices(n, slip_families(b), "N_sl");
  if (b == Bravais::cF) return make_systems(b, tables::cf_slip, idx, c_over_a);
  return make_systems(b, tables::hp_slip, idx, c_over_a);
}

std::vector<SlipSystem> twin_systems(Bravais b, std::span<const int> n, double c_over_a) {
  const auto idx = active_indices(n, twin_families(b), "N_tw");
  if (b == Bravais::cF) return {};
  return make_systems(b, tables::hp_twin, idx, c_over_a);
}

Matrix slip_slip_interaction(Bravais b, std::span<const int> n_sl, std::span<const double> v) {
  const auto idx = active_indices(n_sl, slip_families(b), "N_sl");
  if (b == Bravais::cF) return build(tables::cf_slip_slip, idx, idx, v, "h_sl-sl");
  return build(tables::hp_slip_slip, idx, idx, v, "h_sl-sl");
}

Matrix twin_twin_interaction(Bravais b, std::span<const int> n_tw, std::span<const double> v) {
  const auto idx = active_indices(n_tw, twin_families(b), "N_tw");
  return build(tables::hp_twin_twin, idx, idx, v, "h_tw-tw");
}

Matrix slip_twin_interaction(Bravais b, std::span<const int> n_sl, std::span<const int> n_tw,
                             std::span<const double> v) {
  const auto s = active_indices(n_sl, slip_families(b), "N_sl");
  const auto t = active_indices(n_tw, twin_families(b), "N_tw");
  return build(tables::hp_slip_twin, s, t, v, "h_sl-tw");
}

Matrix twin_slip_interaction(Bravais b, std::span<const int> n_tw, std::span<const int> n_sl,
                             std::span<const double> v) {
  const auto t = active_indices(n_tw, twin_families(b), "N_tw");
  const auto s = active_indices(n_sl, slip_families(b), "N_sl");
  return build(tables::hp_twin_slip, t, s, v, "h_tw-sl");
}

std::vector<double> twin_shear(Bravais b, std::span<const int> n_tw, double ca) {
  active_indices(n_tw, twin_families(b), "N_tw");
  std::vector<double> out;
  for (std::size_t f = 0; f < n_tw.size(); ++f) {
    double g = 0;
    switch (f) {
      case 0: g = (3.0 - ca * ca) / std::sqrt(3.0) / ca; break;            // {10-12}
      case 1: g = 1.0 / ca; break;                                         // {11-21}
      case 2: g = (4.0 * ca * ca - 9.0) / std::sqrt(48.0) / ca; break;     // {10-11}
      default: g = 2.0 * (ca * ca - 2.0) / 3.0 / ca; break;                // {11-22}
    }
    for (int s = 0; s < n_tw[f]; ++s) out.push_back(g);
  }
  return out;
}

}  // namespace mspipe::cp
