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

// The operators as structure-of-arrays, so that the scalar parts of all N products
// s_k * q are one vectorisable matrix-vector product.
template <Lattice L>
struct OpsSoA {
  static constexpr std::size_t N = (L == Lattice::cubic) ? 24 : 12;
  double w[N], x[N], y[N], z[N];
  OpsSoA() {
    const auto ops = symmetry_operators(L);
    for (std::size_t k = 0; k < N; ++k) w[k] = ops[k].w, x[k] = ops[k].x, y[k] = ops[k].y, z[k] = ops[k].z;
  }
};

template <Lattice L>
const OpsSoA<L>& ops_soa() {
  static const OpsSoA<L> t;
  return t;
}

// |scalar part of s_k * q| for the 24 cubic operators in DAMASK's order, written out:
// most operator components are 0 or ±1/2, so this is a third of the general product's
// arithmetic (checked against the general product in the tests).
inline void cubic_abs_w(const Quat& q, double* w) {
  constexpr double r2 = 0.70710678118654752440;
  const double a = q.w, b = q.x, c = q.y, d = q.z;
  w[0] = std::fabs(a), w[1] = std::fabs(b), w[2] = std::fabs(c), w[3] = std::fabs(d);
  w[4] = r2 * std::fabs(c + d), w[5] = r2 * std::fabs(c - d);
  w[6] = r2 * std::fabs(b + d), w[7] = r2 * std::fabs(b - d);
  w[8] = r2 * std::fabs(b - c), w[9] = r2 * std::fabs(b + c);
  const double ab = a + b, a_b = a - b, cd = c + d, c_d = c - d;
  w[10] = 0.5 * std::fabs(a_b - cd), w[11] = 0.5 * std::fabs(ab + cd);
  w[12] = 0.5 * std::fabs(ab + c_d), w[13] = 0.5 * std::fabs(ab - c_d);
  w[14] = 0.5 * std::fabs(a_b + cd), w[15] = 0.5 * std::fabs(a_b + c_d);
  w[16] = 0.5 * std::fabs(a_b - c_d), w[17] = 0.5 * std::fabs(ab - cd);
  w[18] = r2 * std::fabs(a + d), w[19] = r2 * std::fabs(a - d);
  w[20] = r2 * std::fabs(a + c), w[21] = r2 * std::fabs(a - c);
  w[22] = r2 * std::fabs(ab), w[23] = r2 * std::fabs(a_b);
}

template <Lattice L>
Quat reduce_one(const Quat& q) {
  // Every member of the Rodrigues FZ of 432 and 622 has the largest |w| among its
  // equivalents (the FZ is the Voronoi cell of the identity). Only near-maximal
  // candidates can pass DAMASK's test, so the full product and the test are formed for
  // those alone, in operator order: the first that passes is DAMASK's choice.
  const auto ops = symmetry_operators(L);
  const auto& t = ops_soa<L>();
  constexpr std::size_t N = OpsSoA<L>::N;
  double w[N];
  if constexpr (L == Lattice::cubic) {
    cubic_abs_w(q, w);
  } else {
    // Scalar part of s*q with the P = -1 product: s0 q0 - s.q
    for (std::size_t k = 0; k < N; ++k)
      w[k] = std::fabs(t.w[k] * q.w - t.x[k] * q.x - t.y[k] * q.y - t.z[k] * q.z);
  }
  std::size_t top = 0;
  double wmax = w[0];
  for (std::size_t k = 1; k < N; ++k) {
    const bool larger = w[k] > wmax;
    wmax = larger ? w[k] : wmax;
    top = larger ? k : top;
  }
  const double cut = wmax - 1e-7;
  int near = 0;
  for (std::size_t k = 0; k < N; ++k) near += w[k] >= cut;
  if (near == 1) {  // the common case: one clear winner, away from every boundary
    const Quat e = standardised(multiply(ops[top], q));
    if (in_fz_quat<L>(e)) return e;
  }
  // Near a boundary several equivalents compete: DAMASK takes the first that passes.
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
