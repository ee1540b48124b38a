#pragma once
// Physics descriptors of a VE: the baselines a VAE fingerprint is measured against.
// Everything is computed from the VE's grain table and voxel grain ids
// (microstructure::VolumeElement::grains[g].orientation, ::grain_id), for uniaxial load
// along the lab z axis. Rotations are passive (lab -> crystal): the load direction in a
// grain's crystal frame is v = R(q) z, and v_i = cos(angle between crystal axis i and z).
//
//   using namespace mspipe;
//   const auto crystal = analysis::Crystal{cp::Bravais::hP, 1.6235};   // Mg
//   auto names = analysis::descriptor_names(crystal);      // "schmid basal", ..., "<c_z^2>"
//   std::vector<double> d = analysis::descriptors(ve, crystal);          // same order
//
//   // 2-point statistics of a set, reduced to a fingerprint length by PCA:
//   analysis::TwoPointOptions opt;                       // shifts -8..8 step 2 per axis
//   Eigen::MatrixXd train = analysis::stack_rows(stats_of_training_ves);  // N x M
//   analysis::Pca pca = analysis::fit_pca(train, 256);   // fit on the training VEs only
//   Eigen::MatrixXd x_test = pca.project(analysis::stack_rows(stats_of_test_ves));
//   // where stats_of_...[i] = analysis::two_point_statistics(ve_i, crystal, opt)
//
// 1. Schmid factors (schmid_factors): per slip or twin family of the lattice, the
//    volume-weighted mean over grains of the family's most favourable system:
//    slip max_s |(d_s . v)(n_s . v)| (slip runs both ways), twin max_s (d_s . v)(n_s . v)
//    (twinning is polar: negative when no twin of the family is loaded in its shear sense).
//    Families: cF {111}<110> (12); hP basal, prismatic, pyramidal <a>, pyramidal <c+a> 1st
//    and 2nd order, twins {10-12} (tension), {11-21} (tension), {10-11} (compression),
//    {11-22} (compression) — cp::slip_systems / cp::twin_systems' tables, DAMASK's order.
// 2. Texture moments (texture_moments): volume-weighted means of low-order polynomials of
//    v that are invariant under the lattice's rotation group (so independent of which
//    symmetric equivalent the FZ reduction picked): hP v3^2 (= c_z^2), v3^4, v3^6,
//    Re (v1 + i v2)^6; cF v1^4 + v2^4 + v3^4 and v1^2 v2^2 v3^2. Uniform texture: 1/3, 1/5,
//    1/7, 0; 3/5, 1/105.
// 3. Two-point statistics (two_point_statistics): the same invariant polynomials as
//    per-voxel fields f_a(x); S_ab(r) = (1/V) sum_x f_a(x) f_b(x + r), periodic, by FFT
//    (FFTW), for every pair a <= b and every shift r = step * (i, j, k), |i|,|j|,|k| <=
//    max_shift / step. S_ab(0) = mean of f_a f_b (the volume fraction for an indicator).
//    Invariant under periodic translation of the VE.
//
// A VE without grain ids or with an id outside its grain table throws
// std::invalid_argument.
#include <Eigen/Dense>
#include <span>
#include <string>
#include <vector>

#include "cp/lattice.hpp"
#include "microstructure/volume_element.hpp"

namespace mspipe::analysis {

struct Crystal {
  cp::Bravais lattice = cp::Bravais::cF;
  double c_over_a = 1.6235;  // hP only (Mg's, DAMASK's example); ignored for cF
};

// Families in the order schmid_factors returns them.
std::vector<std::string> schmid_family_names(cp::Bravais lattice);
std::vector<double> schmid_factors(const microstructure::VolumeElement& ve, const Crystal& crystal);

// Names and values of the invariant polynomials (means over the VE, volume-weighted).
std::vector<std::string> texture_moment_names(cp::Bravais lattice);
std::vector<double> texture_moments(const microstructure::VolumeElement& ve, cp::Bravais lattice);

// schmid_factors followed by texture_moments, with their names: the "physics" baseline.
std::vector<std::string> descriptor_names(const Crystal& crystal);
std::vector<double> descriptors(const microstructure::VolumeElement& ve, const Crystal& crystal);

// The invariant polynomials of one load direction v in the crystal frame (|v| = 1).
std::vector<double> invariant_polynomials(const texture::Vec3& v, cp::Bravais lattice);
// v = R(q) z for an orientation q.
texture::Vec3 load_axis_in_crystal(const texture::Quat& q);

struct TwoPointOptions {
  int max_shift = 8;  // voxels, per axis; clipped to size / 2
  int step = 2;       // voxels between kept shifts
};

// Kept shifts per axis: -m, -m + step, ..., m with m = min(max_shift, size / 2) rounded
// down to a multiple of step.
std::vector<int> two_point_shifts(int size, const TwoPointOptions& options);
// Length of two_point_statistics' result: pairs * shifts^3.
std::size_t two_point_length(int size, cp::Bravais lattice, const TwoPointOptions& options);
// Layout: pair-major (pairs (0,0), (0,1), ..., (1,1), ...), then the shift cube with
// x fastest, as the voxels.
std::vector<double> two_point_statistics(const microstructure::VolumeElement& ve,
                                         cp::Bravais lattice, const TwoPointOptions& options = {});

// Periodic cross-correlation of two fields on a size^3 grid (voxel order, x fastest):
// S(r) = (1/V) sum_x a(x) b(x + r), indexed like the voxels (r components mod size).
std::vector<double> periodic_correlation(std::span<const double> a, std::span<const double> b,
                                         int size);

// Rows of equal length as an N x M matrix (for fit_pca); throws on ragged rows.
Eigen::MatrixXd stack_rows(const std::vector<std::vector<double>>& rows);

}  // namespace mspipe::analysis
