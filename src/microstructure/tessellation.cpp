#include "microstructure/tessellation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "microstructure/linalg3.hpp"

namespace mspipe::microstructure {

using texture::Mat3;
using texture::Vec3;

namespace {

// Score of a point at displacement d from a site image, written once so that the fast
// search and the brute-force definition round identically.
struct Scorer {
  Mat3 b;
  bool identity;
  Tessellation kind;

  double norm2(double dx, double dy, double dz) const {
    if (identity) return dx * dx + dy * dy + dz * dz;
    const double u = b[0][0] * dx + b[0][1] * dy + b[0][2] * dz;
    const double v = b[1][0] * dx + b[1][1] * dy + b[1][2] * dz;
    const double w = b[2][0] * dx + b[2][1] * dy + b[2][2] * dz;
    return u * u + v * v + w * w;
  }
  // score = norm2 * a - c
  double a(double weight) const { return kind == Tessellation::ellipsoidal ? 1.0 / (weight * weight) : 1.0; }
  double c(double weight) const { return kind == Tessellation::ellipsoidal ? 0.0 : weight; }
};

Scorer make_scorer(const Mat3& m, Tessellation kind) {
  bool id = true;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) id = id && m[i][j] == (i == j ? 1.0 : 0.0);
  return {m, id, kind};
}

// Largest and smallest singular values of B, from the eigenvalues of B^T B.
std::pair<double, double> singular_range(const Mat3& b) {
  Mat3 a{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) a[i][j] += b[k][i] * b[k][j];
  const auto ev = symmetric_eigenvalues(a);
  return {std::sqrt(std::max(ev[2], 0.0)), std::sqrt(std::max(ev[0], 0.0))};
}

double wrap(double x, double l) {
  x = std::fmod(x, l);
  return x < 0 ? x + l : (x >= l ? x - l : x);
}

struct Candidate {
  double sx, sy, sz;  // site image position
  double a, c;        // score = norm2 * a - c
  std::int32_t site;
};

}  // namespace

Mat3 shape_metric(const ShapeParams& shape) {
  const auto& ax = shape.axes;
  const double scale = std::cbrt(ax[0] * ax[1] * ax[2]);  // unit volume: same volume as the sphere
  const Mat3 q = texture::to_matrix(texture::from_bunge(shape.axis_bunge_deg[0] * M_PI / 180,
                                                        shape.axis_bunge_deg[1] * M_PI / 180,
                                                        shape.axis_bunge_deg[2] * M_PI / 180));
  Mat3 b{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) b[i][j] = q[i][j] * scale / ax[i];
  return b;
}

void tessellate_brute_force(int size, std::span<const Site> sites, const Mat3& metric, Tessellation kind,
                            std::span<std::int32_t> out) {
  const Scorer sc = make_scorer(metric, kind);
  const double l = size;
  std::vector<Vec3> pos(sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i)
    for (int d = 0; d < 3; ++d) pos[i][d] = wrap(sites[i].position[d], l);
  for (int z = 0; z < size; ++z)
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        double best = std::numeric_limits<double>::infinity();
        std::int32_t arg = -1;
        for (std::size_t i = 0; i < sites.size(); ++i) {
          const double a = sc.a(sites[i].weight), c = sc.c(sites[i].weight);
          for (int kz = -1; kz <= 1; ++kz)
            for (int ky = -1; ky <= 1; ++ky)
              for (int kx = -1; kx <= 1; ++kx) {
                const double s = sc.norm2(x + 0.5 - (pos[i][0] + kx * l), y + 0.5 - (pos[i][1] + ky * l),
                                          z + 0.5 - (pos[i][2] + kz * l)) * a - c;
                if (s < best) {
                  best = s;
                  arg = static_cast<std::int32_t>(i);
                }
              }
        }
        out[x + std::size_t(size) * (y + std::size_t(size) * z)] = arg;
      }
}

void tessellate(int size, std::span<const Site> sites, const Mat3& metric, Tessellation kind,
                std::span<std::int32_t> out, int bin) {
  const Scorer sc = make_scorer(metric, kind);
  const double l = size;
  const std::size_t n = sites.size();
  if (bin <= 0) {
    // About three bins across a typical cell keeps candidate lists short while the
    // per-bin bookkeeping stays small against the voxel work.
    const double spacing = l / std::cbrt(std::max<std::size_t>(n, 1));
    bin = std::clamp(static_cast<int>(std::lround(spacing / 3)), 2, 16);
  }
  const auto [smax, smin] = singular_range(metric);
  std::vector<Vec3> pos(n);
  std::vector<double> wa(n), wc(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) pos[i][d] = wrap(sites[i].position[d], l);
    wa[i] = sc.a(sites[i].weight);
    wc[i] = sc.c(sites[i].weight);
  }
  const int nb = (size + bin - 1) / bin;

  // Sites bucketed on a coarse grid of about one site per bucket, so that a bin looks
  // only at the buckets within reach instead of at every site.
  const int m = std::clamp(static_cast<int>(std::cbrt(static_cast<double>(n))), 1, 64);
  const double cell = l / m;
  std::vector<std::vector<std::int32_t>> bucket(std::size_t(m) * m * m);
  const auto bucket_of = [&](double x) { return std::min(m - 1, static_cast<int>(x / cell)); };
  for (std::size_t i = 0; i < n; ++i)
    bucket[bucket_of(pos[i][0]) + m * (bucket_of(pos[i][1]) + m * bucket_of(pos[i][2]))].push_back(
        static_cast<std::int32_t>(i));
  double a_min = std::numeric_limits<double>::infinity(), c_max = -a_min;
  for (std::size_t i = 0; i < n; ++i) {
    a_min = std::min(a_min, wa[i]);
    c_max = std::max(c_max, wc[i]);
  }

#pragma omp parallel
  {
    std::vector<Candidate> cand;
    cand.reserve(64);
#pragma omp for schedule(dynamic, 4) collapse(2)
    for (int bz = 0; bz < nb; ++bz)
      for (int by = 0; by < nb; ++by)
        for (int bx = 0; bx < nb; ++bx) {
          const int lo[3] = {bx * bin, by * bin, bz * bin};
          const int hi[3] = {std::min(size, lo[0] + bin), std::min(size, lo[1] + bin), std::min(size, lo[2] + bin)};
          double c[3], r2 = 0;
          for (int d = 0; d < 3; ++d) {
            c[d] = 0.5 * (lo[d] + hi[d]);  // centre of the voxel centres lo+0.5 .. hi-0.5
            const double h = 0.5 * (hi[d] - lo[d] - 1);
            r2 += h * h;
          }
          const double reach = smax * std::sqrt(r2);  // bound on |B (p - c)| inside the bin
          // Pass 1: an upper bound T on the best score in the bin, from the sites of the
          // neighbouring buckets (nearest images); any site gives a valid bound.
          double t = std::numeric_limits<double>::infinity();
          const auto upper = [&](std::size_t i) {
            double e[3];
            for (int d = 0; d < 3; ++d) {
              e[d] = c[d] - pos[i][d];
              if (e[d] > 0.5 * l) e[d] -= l;
              if (e[d] < -0.5 * l) e[d] += l;
            }
            const double nrm = std::sqrt(sc.norm2(e[0], e[1], e[2]));
            t = std::min(t, (nrm + reach) * (nrm + reach) * wa[i] - wc[i]);
          };
          const int cb[3] = {bucket_of(c[0]), bucket_of(c[1]), bucket_of(c[2])};
          for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
              for (int dx = -1; dx <= 1; ++dx) {
                const int k = (cb[0] + dx + m) % m + m * ((cb[1] + dy + m) % m + m * ((cb[2] + dz + m) % m));
                for (auto i : bucket[k]) upper(static_cast<std::size_t>(i));
              }
          if (!std::isfinite(t))
            for (std::size_t i = 0; i < n; ++i) upper(i);
          // Small slack so that rounding in the bounds never drops the true winner.
          const double t_slack = t + 1e-9 * (std::fabs(t) + 1);
          // Pass 2: every site image whose lower bound can beat T. A site qualifies only if
          // max(0, |B e| - reach)^2 a_i - c_i <= T, so |e_d| <= |B e| / smin is bounded.
          cand.clear();
          const double r_all = (std::sqrt(std::max(0.0, t_slack + c_max) / a_min) + reach) / smin + 1e-6;
          int klo[3], khi[3];
          for (int d = 0; d < 3; ++d) {
            klo[d] = static_cast<int>(std::floor((c[d] - r_all) / cell));
            khi[d] = static_cast<int>(std::floor((c[d] + r_all) / cell));
            // Only the 27 images of the definition: buckets of images -1, 0, +1.
            klo[d] = std::max(klo[d], -m);
            khi[d] = std::min(khi[d], 2 * m - 1);
          }
          for (int kz = klo[2]; kz <= khi[2]; ++kz)
            for (int ky = klo[1]; ky <= khi[1]; ++ky)
              for (int kx = klo[0]; kx <= khi[0]; ++kx) {
                const int wx = (kx + m) % m, wy = (ky + m) % m, wz = (kz + m) % m;
                const double ox = (kx < 0 ? -l : kx >= m ? l : 0.0), oy = (ky < 0 ? -l : ky >= m ? l : 0.0),
                             oz = (kz < 0 ? -l : kz >= m ? l : 0.0);
                for (auto i : bucket[wx + m * (wy + m * wz)]) {
                  const double sx = pos[i][0] + ox, sy = pos[i][1] + oy, sz = pos[i][2] + oz;
                  const double nrm = std::sqrt(sc.norm2(c[0] - sx, c[1] - sy, c[2] - sz));
                  const double low = std::max(0.0, nrm - reach);
                  if (low * low * wa[i] - wc[i] <= t_slack) cand.push_back({sx, sy, sz, wa[i], wc[i], i});
                }
              }
          const std::size_t nc = cand.size();
          for (int z = lo[2]; z < hi[2]; ++z)
            for (int y = lo[1]; y < hi[1]; ++y) {
              std::int32_t* row = out.data() + std::size_t(size) * (y + std::size_t(size) * z);
              for (int x = lo[0]; x < hi[0]; ++x) {
                double best = std::numeric_limits<double>::infinity();
                std::int32_t arg = -1;
                for (std::size_t k = 0; k < nc; ++k) {
                  const Candidate& q = cand[k];
                  const double s = sc.norm2(x + 0.5 - q.sx, y + 0.5 - q.sy, z + 0.5 - q.sz) * q.a - q.c;
                  // A tie goes to the lowest site index, as in the definition.
                  if (s < best || (s == best && q.site < arg)) {
                    best = s;
                    arg = q.site;
                  }
                }
                row[x] = arg;
              }
            }
        }
  }
}

}  // namespace mspipe::microstructure
