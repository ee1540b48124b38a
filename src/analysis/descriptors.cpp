#include "analysis/descriptors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include "analysis/ve_weights.hpp"

namespace mspipe::analysis {

namespace {

// Families by table row ranges: cp::slip_families / twin_families give the counts.
struct FamilyDef {
  const char* name;
  bool twin;
  int index;  // family index in the lattice's slip or twin table
};

std::vector<FamilyDef> families(cp::Bravais lattice) {
  if (lattice == cp::Bravais::cF) return {{"schmid {111}<110>", false, 0}};
  return {{"schmid basal <a>", false, 0},
          {"schmid prismatic <a>", false, 1},
          {"schmid pyramidal <a>", false, 2},
          {"schmid pyramidal <c+a> 1st", false, 3},
          {"schmid pyramidal <c+a> 2nd", false, 4},
          {"schmid twin {10-12} tension", true, 0},
          {"schmid twin {11-21} tension", true, 1},
          {"schmid twin {10-11} compression", true, 2},
          {"schmid twin {11-22} compression", true, 3}};
}

std::vector<cp::SlipSystem> family_systems(const FamilyDef& f, const Crystal& crystal) {
  const auto table =
      f.twin ? cp::twin_families(crystal.lattice) : cp::slip_families(crystal.lattice);
  std::vector<int> n(table.size(), 0);
  n[f.index] = table[f.index];
  return f.twin ? cp::twin_systems(crystal.lattice, n, crystal.c_over_a)
                : cp::slip_systems(crystal.lattice, n, crystal.c_over_a);
}

}  // namespace

texture::Vec3 load_axis_in_crystal(const texture::Quat& q) {
  const auto r = texture::to_matrix(q);  // v_crystal = R v_lab; v_lab = z picks column 2
  return {r[0][2], r[1][2], r[2][2]};
}

std::vector<std::string> schmid_family_names(cp::Bravais lattice) {
  std::vector<std::string> names;
  for (const auto& f : families(lattice)) names.emplace_back(f.name);
  return names;
}

std::vector<double> schmid_factors(const microstructure::VolumeElement& ve,
                                   const Crystal& crystal) {
  const auto weights = grain_volume_fractions(ve);
  std::vector<double> out;
  for (const auto& f : families(crystal.lattice)) {
    const auto systems = family_systems(f, crystal);
    double mean = 0;
    for (std::size_t g = 0; g < ve.grains.size(); ++g) {
      if (weights[g] == 0) continue;
      const auto a = load_axis_in_crystal(ve.grains[g].orientation);
      const cp::Vec3 v(a[0], a[1], a[2]);
      double best = -std::numeric_limits<double>::infinity();
      for (const auto& s : systems) {
        const double m = s.direction.dot(v) * s.normal.dot(v);
        best = std::max(best, f.twin ? m : std::abs(m));
      }
      mean += weights[g] * best;
    }
    out.push_back(mean);
  }
  return out;
}

std::vector<std::string> texture_moment_names(cp::Bravais lattice) {
  if (lattice == cp::Bravais::cF) return {"<v1^4+v2^4+v3^4>", "<v1^2 v2^2 v3^2>"};
  return {"<c_z^2>", "<c_z^4>", "<c_z^6>", "<Re (v1+i v2)^6>"};
}

std::vector<double> invariant_polynomials(const texture::Vec3& v, cp::Bravais lattice) {
  const double x2 = v[0] * v[0], y2 = v[1] * v[1], z2 = v[2] * v[2];
  if (lattice == cp::Bravais::cF) return {x2 * x2 + y2 * y2 + z2 * z2, x2 * y2 * z2};
  // (v1 + i v2)^6 is unchanged by the 60 degree turns about c; its real part also by the
  // two-fold axes normal to c (v2, v3 -> -v2, -v3 conjugates it).
  const double a6 = std::pow(std::complex<double>(v[0], v[1]), 6).real();
  return {z2, z2 * z2, z2 * z2 * z2, a6};
}

std::vector<double> texture_moments(const microstructure::VolumeElement& ve, cp::Bravais lattice) {
  const auto weights = grain_volume_fractions(ve);
  std::vector<double> out(texture_moment_names(lattice).size(), 0.0);
  for (std::size_t g = 0; g < ve.grains.size(); ++g) {
    if (weights[g] == 0) continue;
    const auto p = invariant_polynomials(load_axis_in_crystal(ve.grains[g].orientation), lattice);
    for (std::size_t k = 0; k < out.size(); ++k) out[k] += weights[g] * p[k];
  }
  return out;
}

std::vector<std::string> descriptor_names(const Crystal& crystal) {
  auto names = schmid_family_names(crystal.lattice);
  for (auto& n : texture_moment_names(crystal.lattice)) names.push_back(std::move(n));
  return names;
}

std::vector<double> descriptors(const microstructure::VolumeElement& ve, const Crystal& crystal) {
  auto d = schmid_factors(ve, crystal);
  for (double m : texture_moments(ve, crystal.lattice)) d.push_back(m);
  return d;
}

Eigen::MatrixXd stack_rows(const std::vector<std::vector<double>>& rows) {
  if (rows.empty()) return {};
  Eigen::MatrixXd m(rows.size(), rows.front().size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != rows.front().size())
      throw std::invalid_argument(fmt::format("row {} has {} values, row 0 has {}", i,
                                              rows[i].size(), rows.front().size()));
    m.row(Eigen::Index(i)) =
        Eigen::Map<const Eigen::RowVectorXd>(rows[i].data(), Eigen::Index(rows[i].size()));
  }
  return m;
}

}  // namespace mspipe::analysis
