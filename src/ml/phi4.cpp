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
