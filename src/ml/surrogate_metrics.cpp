#include "ml/surrogate_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace mspipe::ml {

namespace {
constexpr double kMpa = 1e-6;

double mean_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double std_of(const std::vector<double>& v) {  // population standard deviation
  if (v.size() < 2) return 0.0;
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}
}  // namespace

std::vector<double> mean_curve(std::span<const double> curves, std::int64_t points) {
  std::vector<double> m(static_cast<std::size_t>(points), 0.0);
  const auto rows = static_cast<std::int64_t>(curves.size()) / points;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t p = 0; p < points; ++p) m[p] += curves[r * points + p];
  for (auto& v : m) v /= static_cast<double>(std::max<std::int64_t>(rows, 1));
  return m;
}

CurveMetrics curve_metrics(std::span<const double> predicted_pa, std::span<const double> simulated_pa,
                           std::int64_t points, std::span<const double> null_curve, double scale_pa,
                           std::span<const double> std_pa) {
  if (points < 2 || predicted_pa.size() != simulated_pa.size() || simulated_pa.size() % points != 0 ||
      null_curve.size() != static_cast<std::size_t>(points) || (!std_pa.empty() && std_pa.size() != simulated_pa.size()))
    throw std::invalid_argument("curve_metrics: inconsistent sizes");
  CurveMetrics m;
  m.rows = static_cast<std::int64_t>(simulated_pa.size()) / points;
  if (m.rows == 0) return m;
  const auto P = static_cast<std::size_t>(points);
  m.mae_per_point_mpa.assign(P, 0.0);
  m.std_per_point_mpa.assign(P, 0.0);
  std::vector<double> per_ve(static_cast<std::size_t>(m.rows), 0.0), final_stress(per_ve.size());
  double sq = 0, sse = 0, sse_null = 0;
  std::int64_t covered = 0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    for (std::size_t p = 0; p < P; ++p) {
      const auto i = static_cast<std::size_t>(r) * P + p;
      const double e = predicted_pa[i] - simulated_pa[i];
      sq += (e / scale_pa) * (e / scale_pa);
      sse += e * e;
      const double en = null_curve[p] - simulated_pa[i];
      sse_null += en * en;
      m.mae_per_point_mpa[p] += std::abs(e) * kMpa;
      if (p > 0) per_ve[r] += std::abs(e) * kMpa / static_cast<double>(P - 1);
      if (p > 0 && !std_pa.empty() && std::abs(e) <= kZ90 * std_pa[i]) ++covered;
    }
    final_stress[r] = simulated_pa[static_cast<std::size_t>(r) * P + P - 1];
  }
  const auto n = static_cast<double>(m.rows);
  for (auto& v : m.mae_per_point_mpa) v /= n;
  for (std::int64_t r = 0; r < m.rows; ++r)
    for (std::size_t p = 0; p < P; ++p) {
      const auto i = static_cast<std::size_t>(r) * P + p;
      const double d = std::abs(predicted_pa[i] - simulated_pa[i]) * kMpa - m.mae_per_point_mpa[p];
      m.std_per_point_mpa[p] += d * d / n;
    }
  for (auto& v : m.std_per_point_mpa) v = std::sqrt(v);
  m.normalised_mse = sq / (n * static_cast<double>(P));
  const std::vector<double> loaded(m.mae_per_point_mpa.begin() + 1, m.mae_per_point_mpa.end());
  m.mae_mpa = mean_of(loaded);
  m.mae_std_mpa = std_of(loaded);
  m.r2 = sse_null > 0 ? 1.0 - sse / sse_null : 0.0;
  if (!std_pa.empty()) m.coverage90 = static_cast<double>(covered) / (n * static_cast<double>(P - 1));

  // Tails by simulated final stress: the k lowest and k highest, k = ceil(5 % of rows).
  std::vector<std::size_t> order(per_ve.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return final_stress[a] < final_stress[b]; });
  const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(0.05 * n)));
  std::vector<double> tails;
  for (std::size_t j = 0; j < order.size(); ++j)
    if (j < k || j >= order.size() - k) tails.push_back(per_ve[order[j]]);
  m.tail_error_mpa = mean_of(tails);
  auto sorted = per_ve;
  std::sort(sorted.begin(), sorted.end());
  const auto h = sorted.size() / 2;
  m.median_error_mpa = sorted.size() % 2 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
  return m;
}

}  // namespace mspipe::ml
