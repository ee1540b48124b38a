#include "texture/fundamental_zone.hpp"

#include <algorithm>
#include <cmath>

namespace mspipe::texture {

namespace {
constexpr double kSqrt2m1 = 0.41421356237309504880;  // sqrt(2) - 1
constexpr double kSqrt3 = 1.73205080756887729353;
constexpr double kTol = 1.0 - 1e-9;                 // DAMASK's in_FZ shrinks rho by this

template <Lattice L>
inline bool in_fz_abs(double r1, double r2, double r3) {
  if constexpr (L == Lattice::cubic)
    return r1 <= kSqrt2m1 && r2 <= kSqrt2m1 && r3 <= kSqrt2m1 && r1 + r2 + r3 <= 1.0;
  else
    return r1 <= 1.0 && r2 <= 1.0 && kSqrt3 * r1 + r2 <= 2.0 && r1 + kSqrt3 * r2 <= 2.0 &&
           r3 <= 2.0 - kSqrt3;
}

// Rodrigues test on a standardised quaternion without forming 1/w for w = 0 (a half
// turn has infinite |rho| and lies outside both zones).
template <Lattice L>
inline bool in_fz_quat(const Quat& q) {
  if (q.w <= 0.0) return false;
  const double inv = kTol / q.w;
  return in_fz_abs<L>(std::fabs(q.x) * inv, std::fabs(q.y) * inv, std::fabs(q.z) * inv);
}

// Scalar part of s*q (P = -1 product): s0 q0 - s.q
inline double w_of(const Quat& s, const Quat& q) {
  return s.w * q.w - s.x * q.x - s.y * q.y - s.z * q.z;
}

template <Lattice L>
Quat reduce_one(const Quat& q) {
  // Every member of the Rodrigues FZ of 432 and 622 has the largest |w| among its
  // equivalents (the FZ is the Voronoi cell of the identity). Only near-maximal
  // candidates can pass DAMASK's test, so the full product and the test are formed for
  // those alone, in operator order: the first that passes is DAMASK's choice.
  const auto ops = symmetry_operators(L);
  constexpr std::size_t N = (L == Lattice::cubic) ? 24 : 12;
  double w[N];
  double wmax = 0.0;
  for (std::size_t k = 0; k < N; ++k) {
    w[k] = std::fabs(w_of(ops[k], q));
    wmax = std::max(wmax, w[k]);
  }
  const double cut = wmax - 1e-7;
  std::size_t best = N;
  for (std::size_t k = 0; k < N; ++k) {
    if (w[k] < cut) continue;
    const Quat e = standardised(multiply(ops[k], q));
    if (in_fz_quat<L>(e)) return e;
    if (best == N && w[k] == wmax) best = k;
  }
  // Only reachable for inputs that are not unit quaternions (NaN, zero): keep the
  // closest-to-identity equivalent rather than fail.
  return standardised(multiply(ops[best == N ? 0 : best], q));
}

template <Lattice L>
void reduce_batch(const double* in, double* out, std::size_t n) {
#pragma omp parallel for schedule(static) if (n > 65536)
  for (std::size_t i = 0; i < n; ++i) {
    const Quat r = reduce_one<L>({in[4 * i], in[4 * i + 1], in[4 * i + 2], in[4 * i + 3]});
    out[4 * i] = r.w;
    out[4 * i + 1] = r.x;
    out[4 * i + 2] = r.y;
    out[4 * i + 3] = r.z;
  }
}
}  // namespace

bool in_fundamental_zone(const Vec3& r, Lattice l) {
  const double a = std::fabs(r[0]) * kTol, b = std::fabs(r[1]) * kTol, c = std::fabs(r[2]) * kTol;
  return l == Lattice::cubic ? in_fz_abs<Lattice::cubic>(a, b, c)
                             : in_fz_abs<Lattice::hexagonal>(a, b, c);
}

bool in_fundamental_zone(const Quat& q, Lattice l) {
  const Quat s = standardised(q);
  return l == Lattice::cubic ? in_fz_quat<Lattice::cubic>(s) : in_fz_quat<Lattice::hexagonal>(s);
}

Quat reduce(const Quat& q, Lattice l) {
  return l == Lattice::cubic ? reduce_one<Lattice::cubic>(q) : reduce_one<Lattice::hexagonal>(q);
}

void reduce(std::span<const double> in, std::span<double> out, Lattice l) {
  const std::size_t n = std::min(in.size(), out.size()) / 4;
  if (l == Lattice::cubic) reduce_batch<Lattice::cubic>(in.data(), out.data(), n);
  else reduce_batch<Lattice::hexagonal>(in.data(), out.data(), n);
}

Vec3 normalise_euler(const Vec3& e) {
  return {e[0] / (2.0 * M_PI), e[1] / M_PI, e[2] / (2.0 * M_PI)};
}

Vec3 denormalise_euler(const Vec3& n) {
  return {n[0] * 2.0 * M_PI, n[1] * M_PI, n[2] * 2.0 * M_PI};
}

}  // namespace mspipe::texture
