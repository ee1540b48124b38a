#pragma once
// Small fixed-size tensors for the material point: 3x3 matrices and fourth-order tensors
// stored as 9x9 matrices. Every flattening is row-major, T4(3i+j, 3k+l) = T_ijkl, the
// order DAMASK's math_3333to99 uses, so stress and strain fields store A_ij at 3i+j.
// Eigen fixed-size types live on the stack: nothing here allocates.
#include <Eigen/Dense>

#include "texture/quaternion.hpp"

namespace mspipe::cp {

using Mat3 = Eigen::Matrix<double, 3, 3, Eigen::RowMajor>;
using Vec3 = Eigen::Vector3d;
using Vec9 = Eigen::Matrix<double, 9, 1>;
using Mat6 = Eigen::Matrix<double, 6, 6, Eigen::RowMajor>;
using Vec6 = Eigen::Matrix<double, 6, 1>;
using T4 = Eigen::Matrix<double, 9, 9, Eigen::RowMajor>;  // fourth-order tensor

inline Vec9 flat(const Mat3& a) { return Eigen::Map<const Vec9>(a.data()); }
inline Mat3 unflat(const Vec9& v) { return Eigen::Map<const Mat3>(v.data()); }

// Voigt index of (i, j) in DAMASK's order 11, 22, 33, 23, 13, 12.
inline int voigt(int i, int j) {
  if (i == j) return i;
  return 6 - i - j;  // (1,2)->3, (0,2)->4, (0,1)->5
}

// The stiffness C_ijkl of a 6x6 Voigt matrix (engineering shear: no factors).
inline T4 voigt_to_t4(const Mat6& c) {
  T4 t;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        for (int l = 0; l < 3; ++l) t(3 * i + j, 3 * k + l) = c(voigt(i, j), voigt(k, l));
  return t;
}

// a : B (double contraction of a 4th-order tensor with a 3x3 matrix): (A:B)_ij = A_ijkl B_kl.
inline Mat3 ddot(const T4& a, const Mat3& b) { return unflat(a * flat(b)); }

// C'_ijkl = R_im R_jn R_ko R_lp C_mnop (R maps the frame of C to the new frame).
inline T4 rotate(const Mat3& r, const T4& c) {
  T4 rr;  // (R ⊗ R)_(ij),(mn) = R_im R_jn
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int m = 0; m < 3; ++m)
        for (int n = 0; n < 3; ++n) rr(3 * i + j, 3 * m + n) = r(i, m) * r(j, n);
  return rr * c * rr.transpose();
}

// Squared Frobenius norm of a fourth-order tensor (DAMASK's sum(dPdF**2)).
inline double norm2_sq(const T4& a) { return a.squaredNorm(); }

// The passive rotation (lab -> crystal) of an orientation as an Eigen matrix.
inline Mat3 rotation_matrix(const texture::Quat& q) {
  const auto m = texture::to_matrix(q);
  Mat3 r;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r(i, j) = m[i][j];
  return r;
}

}  // namespace mspipe::cp
