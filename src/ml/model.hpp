#pragma once
// The paper's 3D ResNet VAE (REFERENCE.md §E). Only ml/ sources include this header.
//
// Encoder: k7 s2 stem to w channels, BasicBlocks, k3 s2 convolutions to 2w, 4w, 8w with
// blocks after each, flatten (8w * (D/16)^3) -> Linear hidden -> tanh -> Linear mu and
// Linear ln(sigma^2). Decoder: Linear hidden -> ReLU -> Linear 8w * (D/16)^3 -> ReLU,
// transposed convolutions k4 s2 p1 to 4w, 2w, w and then the input channels, with blocks
// after each (the last ones on the input channels, as in the paper's code), a biased
// k3 transposed convolution and a sigmoid.
#include <torch/torch.h>

#include "ml/vae_options.hpp"

namespace mspipe::ml {

// Number of GroupNorm groups for `channels`: the largest divisor not above `max_groups`
// that leaves at least two channels per group (one-channel groups on a one-voxel
// bottleneck would normalise every value to zero).
int group_count(int channels, int max_groups);

torch::nn::AnyModule make_norm(const ModelOptions& o, int channels);

// Two 3x3x3 convolutions with normalisation and a residual connection.
class ResBlockImpl : public torch::nn::Module {
 public:
  ResBlockImpl(const ModelOptions& o, int channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv3d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::AnyModule norm1_, norm2_;
};
TORCH_MODULE(ResBlock);

class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const ModelOptions& o);
  // Returns (mu, log_var).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);
  // The same, given x's orientation_moment_fields (used only with orientation features;
  // the VAE computes them once for the encoder and the texture term).
  std::pair<torch::Tensor, torch::Tensor> forward_with_fields(const torch::Tensor& x, const torch::Tensor& moment_fields);

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear fc_hidden_{nullptr}, fc_mu_{nullptr}, fc_log_var_{nullptr};
  bool orientation_features_ = false;  // ModelOptions::orientation_features
  bool quaternion_input_ = false;      // reads each voxel's quaternion (Representation::quaternion)
};
TORCH_MODULE(Encoder);

class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const ModelOptions& o);
  // Returns logits (the reconstruction is their sigmoid) or, with the quaternion
  // representation, each voxel's unnormalised quaternion.
  torch::Tensor forward(const torch::Tensor& z);

 private:
  ModelOptions o_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::nn::Sequential features_{nullptr};
};
TORCH_MODULE(Decoder);

struct VaeOutput {
  torch::Tensor logits;   // (N, C, D, D, D): the decoder's output (see `reconstruction`)
  torch::Tensor x_hat;    // the reconstruction, normalised Bunge angles (N, 3, D, D, D)
  torch::Tensor mu;       // (N, latent): the fingerprint
  torch::Tensor log_var;  // ln sigma^2 (the paper's "log_sigma", used as exp(0.5 * .))
  torch::Tensor texture;  // (N, texture_moments) from mu; undefined without a texture head
  torch::Tensor moments;  // (N, kOrientationMoments) of the input VEs, with a texture head
  Representation representation = Representation::euler;  // what `logits` holds
};

// The reconstruction (normalised Bunge angles) from the decoder's output: the sigmoid of
// the logits, or the angles of each voxel's quaternion (not differentiated).
torch::Tensor reconstruction(const torch::Tensor& decoded, Representation representation);

class VaeImpl : public torch::nn::Module {
 public:
  explicit VaeImpl(const ModelOptions& o);
  // z = mu + exp(log_var / 2) * eps; with an undefined eps, z = mu (deterministic).
  // eps has shape (N, latent) or (1, latent) (the paper's shared noise).
  VaeOutput forward(const torch::Tensor& x, const torch::Tensor& eps = {});
  // The reconstruction (normalised Bunge angles) decoded from latent vectors z.
  torch::Tensor decode(const torch::Tensor& z);
  const ModelOptions& options() const { return o_; }
  Encoder encoder{nullptr};
  Decoder decoder{nullptr};
  // Linear map mu -> orientation moments (ModelOptions::texture_moments > 0): it makes the
  // fingerprint carry the texture statistics linearly; the decoder does not see it. It
  // predicts the moments minus a uniform texture's (uniform_orientation_moments).
  torch::nn::Linear texture{nullptr};

 private:
  ModelOptions o_;
};
TORCH_MODULE(Vae);

// Kaiming-normal (fan_out, ReLU) convolutions and unit/zero norm affine parameters, as
// the paper's code does; linear layers keep LibTorch's default (same as PyTorch's).
void initialise_weights(torch::nn::Module& m);

std::int64_t parameter_count(torch::nn::Module& m);
// The same count from the layer shapes alone (no allocation), for paper-size models.
std::int64_t expected_parameter_count(const ModelOptions& o);

}  // namespace mspipe::ml
