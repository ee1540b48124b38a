#include "texture/quaternion.hpp"

#include <algorithm>
#include <limits>

namespace mspipe::texture {

namespace {
constexpr double kTwoPi = 2.0 * M_PI;
double wrap_two_pi(double a) {
  a = std::fmod(a, kTwoPi);
  if (a < 0) a += kTwoPi;
  if (a >= kTwoPi) a = 0;  // fmod of a tiny negative can round up to 2pi
  return a;
}
}  // namespace

Quat from_bunge(double phi1, double Phi, double phi2) {
  const double sigma = 0.5 * (phi1 + phi2);
  const double delta = 0.5 * (phi1 - phi2);
  const double c = std::cos(0.5 * Phi);
  const double s = std::sin(0.5 * Phi);
  return standardised({c * std::cos(sigma), s * std::cos(delta), s * std::sin(delta),
                       c * std::sin(sigma)});
}

Quat from_bunge_deg(double phi1, double Phi, double phi2) {
  constexpr double d = M_PI / 180.0;
  return from_bunge(phi1 * d, Phi * d, phi2 * d);
}

Vec3 to_bunge(const Quat& qin) {
  const Quat q = standardised(qin);
  const double q03 = q.w * q.w + q.z * q.z;
  const double q12 = q.x * q.x + q.y * q.y;
  const double chi = std::sqrt(q03 * q12);
  Vec3 e;
  if (chi < 1e-12) {
    // Phi = 0 (only phi1 + phi2 is defined) or Phi = pi (only phi1 - phi2): put it all in phi1.
    if (q12 < 1e-12) e = {std::atan2(2.0 * q.w * q.z, q.w * q.w - q.z * q.z), 0.0, 0.0};
    else e = {std::atan2(2.0 * q.x * q.y, q.x * q.x - q.y * q.y), M_PI, 0.0};
  } else {
    e = {std::atan2((q.x * q.z + q.w * q.y) / chi, (q.w * q.x - q.y * q.z) / chi),
         std::atan2(2.0 * chi, q03 - q12),
         std::atan2((q.x * q.z - q.w * q.y) / chi, (q.y * q.z + q.w * q.x) / chi)};
  }
  return {wrap_two_pi(e[0]), std::clamp(e[1], 0.0, M_PI), wrap_two_pi(e[2])};
}

Mat3 to_matrix(const Quat& q) {
  const double qq = q.w * q.w - (q.x * q.x + q.y * q.y + q.z * q.z);
  Mat3 m;
  m[0] = {qq + 2 * q.x * q.x, 2 * (q.x * q.y + q.w * q.z), 2 * (q.x * q.z - q.w * q.y)};
  m[1] = {2 * (q.y * q.x - q.w * q.z), qq + 2 * q.y * q.y, 2 * (q.y * q.z + q.w * q.x)};
  m[2] = {2 * (q.z * q.x + q.w * q.y), 2 * (q.z * q.y - q.w * q.x), qq + 2 * q.z * q.z};
  return m;
}

Quat from_matrix(const Mat3& m) {
  // Largest-component method: numerically stable for every rotation.
  const double tr = m[0][0] + m[1][1] + m[2][2];
  Quat q;
  if (tr > 0) {
    const double s = 2.0 * std::sqrt(1.0 + tr);
    q = {0.25 * s, (m[1][2] - m[2][1]) / s, (m[2][0] - m[0][2]) / s, (m[0][1] - m[1][0]) / s};
  } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
    const double s = 2.0 * std::sqrt(1.0 + m[0][0] - m[1][1] - m[2][2]);
    q = {(m[1][2] - m[2][1]) / s, 0.25 * s, (m[0][1] + m[1][0]) / s, (m[0][2] + m[2][0]) / s};
  } else if (m[1][1] > m[2][2]) {
    const double s = 2.0 * std::sqrt(1.0 + m[1][1] - m[0][0] - m[2][2]);
    q = {(m[2][0] - m[0][2]) / s, (m[0][1] + m[1][0]) / s, 0.25 * s, (m[1][2] + m[2][1]) / s};
  } else {
    const double s = 2.0 * std::sqrt(1.0 + m[2][2] - m[0][0] - m[1][1]);
    q = {(m[0][1] - m[1][0]) / s, (m[0][2] + m[2][0]) / s, (m[1][2] + m[2][1]) / s, 0.25 * s};
  }
  return standardised(normalised(q));
}

AxisAngle to_axis_angle(const Quat& qin) {
  const Quat q = standardised(qin);
  const double s = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z);
  AxisAngle a;
  if (s < 1e-15) return a;
  a.axis = {q.x / s, q.y / s, q.z / s};
  a.angle = 2.0 * std::atan2(s, q.w);
  return a;
}

Quat from_axis_angle(const Vec3& axis, double angle) {
  const double n = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  if (n == 0.0 || angle == 0.0) return {};
  const double s = std::sin(0.5 * angle) / n;
  return standardised({std::cos(0.5 * angle), axis[0] * s, axis[1] * s, axis[2] * s});
}

Vec3 to_rodrigues(const Quat& qin) {
  const Quat q = standardised(qin);
  if (q.w == 0.0) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    auto f = [](double c) { return c == 0.0 ? 0.0 : std::copysign(inf, c); };
    return {f(q.x), f(q.y), f(q.z)};
  }
  return {q.x / q.w, q.y / q.w, q.z / q.w};
}

Quat from_rodrigues(const Vec3& r) {
  if (std::isinf(r[0]) || std::isinf(r[1]) || std::isinf(r[2])) {
    auto f = [](double c) { return std::isinf(c) ? std::copysign(1.0, c) : 0.0; };
    return normalised({0.0, f(r[0]), f(r[1]), f(r[2])});
  }
  return standardised(normalised({1.0, r[0], r[1], r[2]}));
}

}  // namespace mspipe::texture
