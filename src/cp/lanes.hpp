#pragma once
// Several material points integrated in lock-step, one per SIMD lane. `Lanes` holds one
// double of each of kLanes points in one vector register (GCC/Clang vector extensions:
// 2 lanes with the portable x86-64 baseline, SSE2; 4 where AVX is enabled, as with
// MSPIPE_NATIVE); its comparisons give a `LaneMask`. The integration
// kernels are templates over V = double (one point) or V = Lanes, written with the
// helpers below so that both read alike and every lane does, operation for operation,
// what the one-point kernel does: a point's result does not depend on its neighbours.
#include <array>
#include <cmath>
#include <cstdint>

#include "cp/tensor.hpp"

namespace mspipe::cp {

#if defined(__AVX__)
inline constexpr int kLanes = 4;
#else
inline constexpr int kLanes = 2;
#endif
using Lanes = double __attribute__((vector_size(kLanes * sizeof(double))));
using LaneMask = std::int64_t __attribute__((vector_size(kLanes * sizeof(std::int64_t))));

template <class V> struct LaneTraits {
  static constexpr int width = 1;
  using Mask = bool;
};
template <> struct LaneTraits<Lanes> {
  static constexpr int width = kLanes;
  using Mask = LaneMask;
};
template <class V> inline constexpr int lane_count = LaneTraits<V>::width;
template <class V> using MaskOf = typename LaneTraits<V>::Mask;

template <class V> inline V splat(double x) {
  if constexpr (lane_count<V> == 1) {
    return x;
  } else {
    V v = {};
    return v + x;
  }
}

inline double lane(double v, int) { return v; }
inline double lane(const Lanes& v, int l) { return v[l]; }
inline void set_lane(double& v, int, double x) { v = x; }
inline void set_lane(Lanes& v, int l, double x) { v[l] = x; }
inline bool lane(bool m, int) { return m; }
inline bool lane(const LaneMask& m, int l) { return m[l] != 0; }
inline void set_lane(bool& m, int, bool x) { m = x; }
inline void set_lane(LaneMask& m, int l, bool x) { m[l] = x ? -1 : 0; }

inline double select(bool m, double a, double b) { return m ? a : b; }
inline Lanes select(LaneMask m, Lanes a, Lanes b) { return m ? a : b; }
inline bool any(bool m) { return m; }
inline bool any(LaneMask m) {
  std::int64_t r = 0;
  for (int l = 0; l < kLanes; ++l) r |= m[l];
  return r != 0;
}
inline int popcount(bool m) { return m ? 1 : 0; }
inline int popcount(LaneMask m) {
  int n = 0;
  for (int l = 0; l < kLanes; ++l) n += m[l] != 0;
  return n;
}

inline double abs_of(double x) { return std::fabs(x); }
inline Lanes abs_of(Lanes x) {
  // Clearing the sign bit is what fabs does.
  const LaneMask magnitude = LaneMask{} + INT64_MAX;
  return reinterpret_cast<Lanes>(reinterpret_cast<LaneMask>(x) & magnitude);
}
inline double max_of(double a, double b) { return std::max(a, b); }
inline Lanes max_of(Lanes a, Lanes b) { return a < b ? b : a; }  // std::max's choice, lane-wise
inline double sqrt_of(double x) { return std::sqrt(x); }
inline Lanes sqrt_of(Lanes x) {
  for (int l = 0; l < kLanes; ++l) x[l] = std::sqrt(x[l]);
  return x;
}
inline double copysign_of(double magnitude, double sign) { return std::copysign(magnitude, sign); }
inline Lanes copysign_of(Lanes magnitude, Lanes sign) {
  const LaneMask sign_bit = LaneMask{} + INT64_MIN;
  return reinterpret_cast<Lanes>((reinterpret_cast<LaneMask>(magnitude) & ~sign_bit) |
                                 (reinterpret_cast<LaneMask>(sign) & sign_bit));
}
inline double pow_of(double x, double n) { return std::pow(x, n); }
inline Lanes pow_of(Lanes x, double n) {
  for (int l = 0; l < kLanes; ++l) x[l] = std::pow(x[l], n);
  return x;
}

// x^n; the power law's exponents are usually integers, for which repeated squaring is
// exact and several times faster than pow() (and, the exponent being the same in every
// lane, vectorises).
template <class V> inline V power(V x, double n) {
  const int k = static_cast<int>(n);
  if (static_cast<double>(k) == n && k >= 0 && k <= 64) {
    V r = splat<V>(1.0), b = x;
    for (int e = k; e > 0; e >>= 1) {
      if (e & 1) r *= b;
      b *= b;
    }
    return r;
  }
  return pow_of(x, n);
}

// 3x3 matrices of V, row-major (the layout of Mat3::data()).
template <class V> using M3 = std::array<V, 9>;

template <class V> inline M3<V> matmul(const M3<V>& a, const M3<V>& b) {
  M3<V> c;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return c;
}

// Aᵀ B
template <class V> inline M3<V> matmul_tn(const M3<V>& a, const M3<V>& b) {
  M3<V> c;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) c[3 * i + j] = a[i] * b[j] + a[3 + i] * b[3 + j] + a[6 + i] * b[6 + j];
  return c;
}

template <class V> inline V norm(const M3<V>& a) {
  V s = a[0] * a[0];
  for (int i = 1; i < 9; ++i) s += a[i] * a[i];
  return sqrt_of(s);
}

template <class V> inline M3<V> select(MaskOf<V> m, const M3<V>& a, const M3<V>& b) {
  M3<V> c;
  for (int i = 0; i < 9; ++i) c[i] = select(m, a[i], b[i]);
  return c;
}

inline M3<double> m3(const Mat3& m) {
  M3<double> a;
  for (int i = 0; i < 9; ++i) a[i] = m.data()[i];
  return a;
}

// Lane l of a lane matrix as a Mat3, and back.
template <class V> inline Mat3 lane_matrix(const M3<V>& a, int l) {
  Mat3 m;
  for (int i = 0; i < 9; ++i) m.data()[i] = lane(a[i], l);
  return m;
}
template <class V> inline void set_lane_matrix(M3<V>& a, int l, const Mat3& m) {
  for (int i = 0; i < 9; ++i) set_lane(a[i], l, m.data()[i]);
}

}  // namespace mspipe::cp
