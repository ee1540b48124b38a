#pragma once
// The paper's reconstruction metric: phi4(q1, q2) = 1 - |q1 . q2| (no crystal symmetry,
// DESIGN.md §3) between the orientation of every voxel in a VE and in its reconstruction.
#include <torch/torch.h>

namespace mspipe::ml {

// Unit quaternions (..., 4) from normalised Bunge angles (..., 3) = (phi1/2pi, Phi/pi,
// phi2/2pi), Rowenhorst et al. (2015) with P = -1, as DAMASK's eu2qu, computed in `precision`.
torch::Tensor quaternions_from_normalised_euler(const torch::Tensor& e,
                                                torch::ScalarType precision = torch::kFloat64);

// Normalised Bunge angles (..., 3) of quaternions (..., 4) of any non-zero length (their
// direction is the orientation): the inverse of quaternions_from_normalised_euler up to
// the quaternion's sign, with phi1 and phi2 in [0, 1] and, where Phi is 0 or pi and only
// their sum or difference is defined, the other split evenly. Not differentiated.
torch::Tensor normalised_euler_from_quaternions(const torch::Tensor& q);

// Each voxel's unit quaternion as channels: (N, 3, D, H, W) normalised Bunge angles ->
// (N, 4, D, H, W) in x's type, q0 >= 0 (a fundamental zone's orientations have q0 > 0.68,
// so the sign never flips within one).
torch::Tensor quaternion_channels(const torch::Tensor& x);

// phi4 of every voxel between the unit quaternions q and the direction of r, both
// (N, 4, D, H, W): (N, D, H, W), differentiable in r (the quaternion decoder's term).
torch::Tensor phi4_quaternion_voxels(const torch::Tensor& r, const torch::Tensor& q);

// phi4 of every voxel, differentiable (the VAE's misorientation term): x, x_hat are
// (N, 3, D, H, W); returns (N, D, H, W) in `precision`. Double for the metric; the training
// loss passes the data's float, enough for its gradient −sign(q1·q2) q1 and several times
// cheaper than double (bench/ml/README.md).
torch::Tensor phi4_voxels(const torch::Tensor& x_hat, const torch::Tensor& x,
                          torch::ScalarType precision = torch::kFloat64);

// Mean phi4 over the voxels of each VE: x, x_hat are (N, 3, D, H, W); returns (N).
torch::Tensor phi4_per_ve(const torch::Tensor& x_hat, const torch::Tensor& x);

}  // namespace mspipe::ml
