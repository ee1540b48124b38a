#pragma once
// Volume-averaged orientation moments of a VE, the low-order texture statistics that a
// fingerprint should carry (the VAE's texture term, vae.texture_weight).
//
// For each sample axis e_j (x, y, z), its direction in the crystal frame h = g e_j (g the
// Bunge passive rotation, sample -> crystal; h is column j of g) and the nine moments of h
// whose powers are even in every component: h1^2, h2^2, h3^2, h1^4, h2^4, h3^4, h1^2 h2^2,
// h1^2 h3^2, h2^2 h3^2. Even powers make them unchanged by the sign flips of the crystal
// symmetries' two-fold axes, so the fundamental-zone representative does not matter there.
// Under uniaxial load along e_j every Schmid factor is a function of h alone (m = (s.h)(n.h)):
// these are the leading terms of the load axis's inverse pole figure. 3 x 9 = 27 numbers,
// axis-major (x's nine, then y's, then z's).
#include <torch/torch.h>

#include "ml/vae_options.hpp"

namespace mspipe::ml {

// x: (N, 3, D, H, W) normalised Bunge angles (phi1/2pi, Phi/pi, phi2/2pi). Returns
// (N, kOrientationMoments, D, H, W): the moments of every voxel's orientation.
torch::Tensor orientation_moment_fields(const torch::Tensor& x);

// (N, kOrientationMoments): orientation_moment_fields averaged over the VE's voxels.
torch::Tensor orientation_moments(const torch::Tensor& x);

// The same moments of uniformly random orientations (each h uniform on the sphere:
// <h_i^2> = 1/3, <h_i^4> = 1/5, <h_i^2 h_k^2> = 1/15), shape (kOrientationMoments).
torch::Tensor uniform_orientation_moments(const torch::TensorOptions& options);

}  // namespace mspipe::ml
