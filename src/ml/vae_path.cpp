#include "ml/vae_path.hpp"

#include <fmt/core.h>
#include <torch/torch.h>

#include "core/errors.hpp"
#include "ml/evaluation.hpp"
#include "ml/inference_model.hpp"

namespace mspipe::ml {

LatentPath decode_path(const core::Comm& comm, const InferenceOptions& options,
                       const VeSource& source, std::int64_t index_a, std::int64_t index_b,
                       int steps) {
  if (steps < 2) throw std::invalid_argument("decode_path: steps must be at least 2");
  auto model = load_for_inference(comm, options, source);
  for (auto i : {index_a, index_b})
    if (i < 0 || i >= source.size())
      throw core::InputError(fmt::format("{}: error: VE index {} is outside 0..{}",
                                         source.describe(), i, source.size() - 1));
  torch::NoGradGuard no_grad;
  LatentPath p;
  p.edge = source.edge();
  p.latent = model->options().latent;
  p.id_a = source.id(index_a), p.id_b = source.id(index_b);
  p.model = describe_model_options(model->options());
  const std::vector<std::int64_t> ends{index_a, index_b};
  const auto x = load_batch(source, ends);
  const auto mu = model->encoder(x).first;  // (2, latent)
  // The decoder sees one z per step in a single batch: steps are independent (no batch
  // statistics at inference), so the end points are exactly the reconstructions of A, B.
  const auto t = torch::linspace(0.0, 1.0, steps, torch::kFloat32).unsqueeze(1);
  auto z = mu[0].unsqueeze(0) + t * (mu[1] - mu[0]).unsqueeze(0);
  // The end points are the encodings themselves, not mu_A + 1 * (mu_B - mu_A), which can
  // differ from mu_B in the last bit.
  z[0].copy_(mu[0]), z[steps - 1].copy_(mu[1]);
  const auto x_hat = model->decode(z);
  const auto tv = t.squeeze(1).to(torch::kFloat64).contiguous();
  p.t.assign(tv.data_ptr<double>(), tv.data_ptr<double>() + steps);
  p.mu_a = floats_of(mu[0]), p.mu_b = floats_of(mu[1]);
  p.input_a = floats_of(x[0]), p.input_b = floats_of(x[1]);
  p.decoded = floats_of(x_hat);
  return p;
}

}  // namespace mspipe::ml
