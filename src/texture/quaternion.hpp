#pragma once
// Unit quaternions in the convention of Rowenhorst et al. (2015) as DAMASK uses it:
// passive rotations (lab -> crystal), P = -1, scalar first, w >= 0.
#include <array>
#include <cmath>

namespace mspipe::texture {

using Mat3 = std::array<std::array<double, 3>, 3>;  // row-major, m[i][j]
using Vec3 = std::array<double, 3>;

struct Quat {
  double w = 1, x = 0, y = 0, z = 0;
  double dot(const Quat& o) const { return w * o.w + x * o.x + y * o.y + z * o.z; }
  double norm() const { return std::sqrt(dot(*this)); }
};

// Flips the sign so that w >= 0 (the northern hemisphere; both signs are one rotation).
inline Quat standardised(Quat q) {
  if (q.w < 0) q = {-q.w, -q.x, -q.y, -q.z};
  return q;
}
inline Quat normalised(Quat q) {
  const double n = q.norm();
  return {q.w / n, q.x / n, q.y / n, q.z / n};
}
inline Quat conjugate(const Quat& q) { return {q.w, -q.x, -q.y, -q.z}; }

// Composition a*b with P = -1 (b applied first): w = a0 b0 - a.b,
// v = a0 b + b0 a - a x b. The result is NOT standardised (callers that need w >= 0 do so);
// matrix(a*b) == matrix(a) * matrix(b).
inline Quat multiply(const Quat& a, const Quat& b) {
  return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
          a.w * b.x + b.w * a.x - (a.y * b.z - a.z * b.y),
          a.w * b.y + b.w * a.y - (a.z * b.x - a.x * b.z),
          a.w * b.z + b.w * a.z - (a.x * b.y - a.y * b.x)};
}

// Rotation angle in [0, pi].
inline double angle(const Quat& q) { return 2.0 * std::acos(std::min(1.0, std::fabs(q.w))); }

// --- conversions (all angles in radians) ---------------------------------------------
Quat from_bunge(double phi1, double Phi, double phi2);
inline Quat from_bunge(const Vec3& e) { return from_bunge(e[0], e[1], e[2]); }
Quat from_bunge_deg(double phi1, double Phi, double phi2);
// Bunge angles with phi1, phi2 in [0, 2pi), Phi in [0, pi]; handles Phi = 0 and Phi = pi.
Vec3 to_bunge(const Quat& q);

// Passive rotation matrix: v_crystal = R v_lab (R[0][1] = 2(xy + wz)).
Mat3 to_matrix(const Quat& q);
Quat from_matrix(const Mat3& m);

// Axis (unit) and angle in [0, pi]; the identity gives axis (0, 0, 1).
struct AxisAngle {
  Vec3 axis{0, 0, 1};
  double angle = 0;
};
AxisAngle to_axis_angle(const Quat& q);
Quat from_axis_angle(const Vec3& axis, double angle);

// Rodrigues–Frank vector tan(angle/2) * axis; a half-turn gives infinite components.
Vec3 to_rodrigues(const Quat& q);
Quat from_rodrigues(const Vec3& r);

}  // namespace mspipe::texture
