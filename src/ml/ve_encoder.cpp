#include "ml/ve_encoder.hpp"

#include <fmt/core.h>
#include <torch/torch.h>

#include "core/errors.hpp"
#include "ml/checkpoint.hpp"
#include "ml/model.hpp"

namespace mspipe::ml {

CheckpointModel checkpoint_model(const std::filesystem::path& checkpoint) {
  const auto m = read_checkpoint_header(checkpoint).model;
  return {m.ve_size, m.latent};
}

struct VeEncoder::Impl {
  explicit Impl(const InferenceOptions& o) : model(load_model(o.checkpoint)), threads(o.threads) {}
  Vae model;
  int threads = 1;
};

VeEncoder::VeEncoder(const InferenceOptions& options) : impl_(std::make_unique<Impl>(options)) {
  impl_->model->eval();
}
VeEncoder::~VeEncoder() = default;

int VeEncoder::edge() const { return impl_->model->options().ve_size; }
int VeEncoder::latent() const { return impl_->model->options().latent; }

std::vector<float> VeEncoder::encode(std::span<const float> channels) {
  const int d = edge();
  const auto want = std::size_t(3) * d * d * d;
  if (channels.size() != want)
    throw std::invalid_argument(fmt::format("the encoder takes {}^3 VEs ({} values), got {} values", d, want,
                                            channels.size()));
  // The caller's OpenMP threads (the solver's) are not the model's.
  at::set_num_threads(impl_->threads);
  torch::NoGradGuard no_grad;
  auto x = torch::from_blob(const_cast<float*>(channels.data()), {1, 3, d, d, d}, torch::kFloat32);
  const auto mu = impl_->model->encoder(x).first.contiguous();
  return {mu.data_ptr<float>(), mu.data_ptr<float>() + mu.numel()};
}

}  // namespace mspipe::ml
