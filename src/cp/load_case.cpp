#include "cp/load_case.hpp"

#include <cmath>
#include <limits>

#include <fmt/core.h>

namespace mspipe::cp {

int LoadCase::total_increments() const {
  int n = 0;
  for (const auto& s : steps) n += s.N;
  return n;
}

LoadCase uniaxial_tension_z(double rate, double t, int N) {
  LoadStep s;
  s.deformation_type = LoadStep::Deformation::dot_F;
  s.stress_type = LoadStep::Stress::P;
  // dot_F: [[x,0,0],[0,x,0],[0,0,rate]]; P: [[0,x,x],[x,0,x],[x,x,x]].
  for (int i = 0; i < 9; ++i) s.deformation_mask[i] = true;
  s.deformation_mask[0] = s.deformation_mask[4] = false;
  s.deformation(2, 2) = rate;
  for (int i = 0; i < 9; ++i) s.stress_mask[i] = !s.deformation_mask[i];
  s.t = t;
  s.N = N;
  LoadCase lc;
  lc.steps.push_back(s);
  return lc;
}

std::vector<double> applied_axial_strain(const LoadCase& load) {
  std::vector<double> out{0.0};
  double F_zz = 1.0;
  for (const auto& s : load.steps) {
    const bool prescribed = s.deformation_mask[8] && s.deformation_type != LoadStep::Deformation::L;
    const double start = F_zz;
    for (int k = 1; k <= s.N; ++k) {
      if (!prescribed) F_zz = std::numeric_limits<double>::quiet_NaN();
      else if (s.deformation_type == LoadStep::Deformation::dot_F) F_zz = start + s.deformation(2, 2) * s.t * k / s.N;
      else F_zz = start + (s.deformation(2, 2) - start) * k / s.N;
      if (k % s.f_out == 0) out.push_back(F_zz - 1.0);
    }
  }
  return out;
}

std::string describe(const LoadCase& load) {
  static const char* kinds[] = {"dot_F", "F", "L"};
  std::string out;
  for (const auto& s : load.steps) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}_zz {} for {} s in {} increments", kinds[int(s.deformation_type)],
                       s.deformation_mask[8] ? fmt::format("{}", s.deformation(2, 2)) : std::string("free"), s.t,
                       s.N);
  }
  return out;
}

std::string check(const LoadStep& s) {
  static const char* names[] = {"11", "12", "13", "21", "22", "23", "31", "32", "33"};
  for (int i = 0; i < 9; ++i) {
    if (s.deformation_mask[i] == s.stress_mask[i])
      return fmt::format("component {} must be prescribed either as deformation or as stress "
                         "(one of them 'x')",
                         names[i]);
    if (s.deformation_mask[i] && !std::isfinite(s.deformation.data()[i]))
      return fmt::format("deformation component {} is not finite", names[i]);
    if (s.stress_mask[i] && !std::isfinite(s.stress.data()[i]))
      return fmt::format("stress component {} is not finite", names[i]);
  }
  if (!(s.t > 0)) return "t must be positive";
  if (s.N < 1) return "N must be a positive integer";
  if (s.f_out < 1) return "f_out must be a positive integer";
  return {};
}

}  // namespace mspipe::cp
