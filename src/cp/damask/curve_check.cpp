#include "cp/damask/curve_check.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace mspipe::cp::damask {

bool CurveAgreement::ok() const {
  return problem.empty() && !rows.empty() &&
         std::all_of(rows.begin(), rows.end(), [](const IncrementAgreement& r) { return r.ok; });
}

int step_of_increment(const LoadCase& load, int n) {
  if (n <= 0) return load.steps.empty() ? -1 : 0;
  int last = 0;
  for (std::size_t s = 0; s < load.steps.size(); ++s) {
    last += load.steps[s].N;
    if (n <= last) return int(s);
  }
  return -1;
}

CurveAgreement compare_curves(const SimulationResult& run, const SimulationResult& ref,
                              const LoadCase& load, const CurveTolerance& tol) {
  CurveAgreement out;
  std::map<int, const IncrementResult*> by_number;
  for (const auto& r : ref.increments) by_number[r.increment] = &r;
  std::vector<int> missing;
  for (const auto& a : run.increments) {
    const auto it = by_number.find(a.increment);
    if (it == by_number.end()) {
      missing.push_back(a.increment);
      continue;
    }
    const IncrementResult& b = *it->second;
    by_number.erase(it);
    if (std::abs(a.time - b.time) > 1e-9 * std::max(1.0, std::abs(b.time)) && out.problem.empty())
      out.problem = fmt::format("increment {} at t = {} s in one run, {} s in the other",
                                a.increment, a.time, b.time);
    IncrementAgreement row;
    row.increment = a.increment;
    row.time = b.time;
    row.sigma_zz = a.sigma_avg(2, 2);
    row.sigma_zz_ref = b.sigma_avg(2, 2);
    row.iterations = a.iterations;
    row.iterations_ref = b.iterations;
    const double d = std::abs(row.sigma_zz - row.sigma_zz_ref);
    // Relative only where there is a stress to be relative to (not the unstressed state).
    row.rel_sigma =
        std::abs(row.sigma_zz_ref) > tol.sigma_floor ? d / std::abs(row.sigma_zz_ref) : 0.0;
    const bool sigma_ok = d <= tol.rel_sigma * std::abs(row.sigma_zz_ref) || d <= tol.sigma_floor;
    row.free_tol = std::max(tol.eps_abs_P, tol.eps_rel_P * b.P_avg.cwiseAbs().maxCoeff());
    const int s = step_of_increment(load, a.increment);
    if (s >= 0)
      for (int k = 0; k < 9; ++k)
        if (load.steps[std::size_t(s)].stress_mask[std::size_t(k)])
          row.free_delta =
              std::max(row.free_delta, std::abs(a.P_avg(k / 3, k % 3) - b.P_avg(k / 3, k % 3)));
    row.ok = sigma_ok && row.free_delta <= row.free_tol && std::isfinite(row.sigma_zz);
    if (std::isfinite(row.rel_sigma))
      out.max_rel_sigma = std::max(out.max_rel_sigma, row.rel_sigma);
    out.rows.push_back(row);
  }
  for (const auto& [n, r] : by_number) missing.push_back(n);
  std::sort(missing.begin(), missing.end());
  if (!missing.empty() && out.problem.empty())
    out.problem =
        fmt::format("increment {} is in one run only ({} such)", missing.front(), missing.size());
  if (out.rows.empty() && out.problem.empty()) out.problem = "no increments to compare";
  return out;
}

std::string format_agreement(const CurveAgreement& a, const std::string& name,
                             const std::string& ref_name) {
  std::string s = fmt::format("{:>4} {:>7} {:>14} {:>14} {:>10} {:>12} {:>10} {:>5} {:>5}  {}\n",
                              "inc", "t/s", "s_zz/MPa " + name, "s_zz/MPa " + ref_name, "rel",
                              "free dP/Pa", "tol/Pa", "it", "it_ref", "");
  for (const auto& r : a.rows)
    s += fmt::format(
        "{:>4} {:>7.4g} {:>14.6f} {:>14.6f} {:>10.2e} {:>12.4g} {:>10.4g} {:>5} {:>5}  {}\n",
        r.increment, r.time, r.sigma_zz * 1e-6, r.sigma_zz_ref * 1e-6, r.rel_sigma, r.free_delta,
        r.free_tol, r.iterations, r.iterations_ref, r.ok ? "ok" : "DIFFERS");
  if (!a.problem.empty()) s += "problem: " + a.problem + "\n";
  return s;
}

}  // namespace mspipe::cp::damask
