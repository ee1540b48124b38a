#include "ml/orientation_moments.hpp"

#include <cmath>

namespace mspipe::ml {

torch::Tensor orientation_moment_fields(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 5 && x.size(1) == 3, "orientation moments need an (N, 3, D, H, W) tensor");
  const auto phi1 = x.select(1, 0) * (2 * M_PI), Phi = x.select(1, 1) * M_PI, phi2 = x.select(1, 2) * (2 * M_PI);
  const auto c1 = torch::cos(phi1), s1 = torch::sin(phi1), c2 = torch::cos(phi2), s2 = torch::sin(phi2);
  const auto C = torch::cos(Phi), S = torch::sin(Phi);
  // Columns of g (Bunge, passive): the sample axes x, y, z in crystal coordinates.
  const std::array<std::array<torch::Tensor, 3>, 3> columns{{
      {c1 * c2 - s1 * s2 * C, -c1 * s2 - s1 * c2 * C, s1 * S},
      {s1 * c2 + c1 * s2 * C, -s1 * s2 + c1 * c2 * C, -c1 * S},
      {s2 * S, c2 * S, C},
  }};
  std::vector<torch::Tensor> moments;
  moments.reserve(kOrientationMoments);
  for (const auto& h : columns) {
    const std::array<torch::Tensor, 3> sq{h[0].square(), h[1].square(), h[2].square()};
    for (int i = 0; i < 3; ++i) moments.push_back(sq[i]);
    for (int i = 0; i < 3; ++i) moments.push_back(sq[i].square());
    moments.push_back(sq[0] * sq[1]);
    moments.push_back(sq[0] * sq[2]);
    moments.push_back(sq[1] * sq[2]);
  }
  return torch::stack(moments, 1);
}

torch::Tensor orientation_moments(const torch::Tensor& x) { return orientation_moment_fields(x).flatten(2).mean(2); }

torch::Tensor uniform_orientation_moments(const torch::TensorOptions& options) {
  std::vector<double> m;
  for (int axis = 0; axis < 3; ++axis) {
    for (int i = 0; i < 3; ++i) m.push_back(1.0 / 3);
    for (int i = 0; i < 3; ++i) m.push_back(1.0 / 5);
    for (int i = 0; i < 3; ++i) m.push_back(1.0 / 15);
  }
  return torch::tensor(m, torch::kFloat64).to(options);
}

}  // namespace mspipe::ml
