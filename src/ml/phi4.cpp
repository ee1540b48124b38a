#include "ml/phi4.hpp"

#include <cmath>

namespace mspipe::ml {

torch::Tensor quaternions_from_normalised_euler(const torch::Tensor& e, torch::ScalarType precision) {
  const auto ep = e.to(precision);
  const auto phi1 = ep.select(-1, 0) * (2 * M_PI);
  const auto Phi = ep.select(-1, 1) * M_PI;
  const auto phi2 = ep.select(-1, 2) * (2 * M_PI);
  const auto sigma = 0.5 * (phi1 + phi2), delta = 0.5 * (phi1 - phi2);
  const auto c = torch::cos(0.5 * Phi), s = torch::sin(0.5 * Phi);
  // -P = +1 for P = -1.
  auto q = torch::stack({c * torch::cos(sigma), s * torch::cos(delta), s * torch::sin(delta),
                         c * torch::sin(sigma)},
                        -1);
  return torch::where(q.select(-1, 0).unsqueeze(-1) < 0, -q, q);
}

torch::Tensor normalised_euler_from_quaternions(const torch::Tensor& q) {
  torch::NoGradGuard no_grad;
  const auto q0 = q.select(-1, 0), q1 = q.select(-1, 1), q2 = q.select(-1, 2), q3 = q.select(-1, 3);
  // q = (c cos sigma, s cos delta, s sin delta, c sin sigma) with c, s = cos, sin(Phi/2),
  // sigma = (phi1 + phi2)/2, delta = (phi1 - phi2)/2. atan2 needs no unit length, and
  // atan2(0, 0) = 0 is the even split where c or s vanishes.
  const auto Phi = 2.0 * torch::atan2(torch::sqrt(q1 * q1 + q2 * q2), torch::sqrt(q0 * q0 + q3 * q3));
  const auto sigma = torch::atan2(q3, q0), delta = torch::atan2(q2, q1);
  // -q gives sigma + pi and delta + pi: the same phi1 and phi2 modulo 2 pi.
  const double turn = 2 * M_PI;
  return torch::stack({torch::remainder((sigma + delta) / turn, 1.0), Phi / M_PI,
                       torch::remainder((sigma - delta) / turn, 1.0)},
                      -1);
}

torch::Tensor quaternion_channels(const torch::Tensor& x) {
  return quaternions_from_normalised_euler(x.movedim(1, -1), x.scalar_type()).movedim(-1, 1).contiguous();
}

torch::Tensor phi4_quaternion_voxels(const torch::Tensor& r, const torch::Tensor& q) {
  TORCH_CHECK(r.dim() == 5 && r.size(1) == 4 && r.sizes() == q.sizes(), "phi4 needs two (N, 4, D, H, W) tensors");
  // The clamp keeps the direction of a zero output finite (its gradient is then zero).
  const auto length = r.square().sum(1).sqrt().clamp_min(1e-12);
  return 1.0 - (r * q).sum(1).abs() / length;
}

torch::Tensor phi4_voxels(const torch::Tensor& x_hat, const torch::Tensor& x, torch::ScalarType precision) {
  TORCH_CHECK(x.dim() == 5 && x.size(1) == 3 && x.sizes() == x_hat.sizes(),
              "phi4 needs two (N, 3, D, H, W) tensors of one shape");
  const auto q1 = quaternions_from_normalised_euler(x.movedim(1, -1), precision);  // (N, D, H, W, 4)
  const auto q2 = quaternions_from_normalised_euler(x_hat.movedim(1, -1), precision);
  return 1.0 - (q1 * q2).sum(-1).abs();
}

torch::Tensor phi4_per_ve(const torch::Tensor& x_hat, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  return phi4_voxels(x_hat, x).flatten(1).mean(1);
}

}  // namespace mspipe::ml
