#include "ml/evaluation.hpp"

#include <cmath>

#include "ml/loss.hpp"
#include "ml/phi4.hpp"

namespace mspipe::ml {

torch::Tensor load_batch(const VeSource& source, std::span<const std::int64_t> indices) {
  const auto n = static_cast<std::int64_t>(indices.size());
  const int d = source.edge();
  auto x = torch::empty({n, 3, d, d, d}, torch::kFloat32);
  const std::int64_t per = source.floats_per_ve();
  for (std::int64_t i = 0; i < n; ++i)
    source.load(indices[i], std::span<float>(x.data_ptr<float>() + i * per, static_cast<std::size_t>(per)));
  return x;
}

std::vector<float> floats_of(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

EvalResult evaluate(Vae& model, const VeSource& source, const std::vector<std::int64_t>& indices,
                    const core::Comm& comm, int batch, const LossOptions& loss, std::int64_t phi4_limit) {
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  const auto device = model->parameters().front().device();
  const auto n = static_cast<std::int64_t>(indices.size());
  if (phi4_limit < 0 || phi4_limit > n) phi4_limit = n;
  // sums: count, bce, spectral, kl, total, phi4 count, phi4 sum, phi4 sum of squares, texture
  std::array<double, 9> s{};
  std::vector<std::int64_t> mine, positions;
  for (std::int64_t i = comm.rank(); i < n; i += comm.size()) mine.push_back(indices[i]), positions.push_back(i);
  for (std::size_t b0 = 0; b0 < mine.size(); b0 += batch) {
    const std::size_t b1 = std::min(mine.size(), b0 + batch);
    auto x = load_batch(source, std::span(mine).subspan(b0, b1 - b0)).to(device);
    const auto out = model->forward(x);
    const double m = static_cast<double>(b1 - b0);
    // Per-VE loss terms are means, so batch means weighted by batch size sum correctly.
    const auto t = vae_loss(out, x, loss);
    s[0] += m;
    s[1] += m * t.bce.item<double>();
    s[2] += m * t.spectral.item<double>();
    s[3] += m * t.kl.item<double>();
    s[4] += m * t.total.item<double>();
    s[8] += m * t.texture.item<double>();
    const auto phi4 = phi4_per_ve(out.x_hat, x).to(torch::kCPU);
    for (std::size_t i = b0; i < b1; ++i)
      if (positions[i] < phi4_limit) {
        const double v = phi4[static_cast<std::int64_t>(i - b0)].item<double>();
        s[5] += 1, s[6] += v, s[7] += v * v;
      }
  }
  comm.allreduce_inplace(std::span<double>(s), core::ReduceOp::sum);
  if (was_training) model->train();
  EvalResult r;
  r.count = static_cast<std::int64_t>(s[0]);
  if (r.count > 0) r.bce = s[1] / s[0], r.spectral = s[2] / s[0], r.kl = s[3] / s[0], r.total = s[4] / s[0], r.texture = s[8] / s[0];
  r.phi4_count = static_cast<std::int64_t>(s[5]);
  if (r.phi4_count > 0) {
    r.phi4_mean = s[6] / s[5];
    r.phi4_std = std::sqrt(std::max(0.0, s[7] / s[5] - r.phi4_mean * r.phi4_mean));
  }
  return r;
}

}  // namespace mspipe::ml
