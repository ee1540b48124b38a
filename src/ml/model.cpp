#include "ml/model.hpp"

namespace mspipe::ml {

namespace nn = torch::nn;

int group_count(int channels, int max_groups) {
  if (channels < 2) return 1;
  for (int g = std::min(max_groups, channels / 2); g > 1; --g)
    if (channels % g == 0) return g;
  return 1;
}

nn::AnyModule make_norm(const ModelOptions& o, int channels) {
  if (o.norm == Norm::batch) return nn::AnyModule(nn::BatchNorm3d(channels));
  return nn::AnyModule(nn::GroupNorm(nn::GroupNormOptions(group_count(channels, o.norm_groups), channels)));
}

namespace {

nn::Conv3d conv(int in, int out, int k, int stride, int pad) {
  return nn::Conv3d(nn::Conv3dOptions(in, out, k).stride(stride).padding(pad).bias(false));
}

// Convolution, normalisation, ReLU: the stem and the downsampling steps.
void add_conv_norm_relu(nn::Sequential& seq, const ModelOptions& o, int in, int out, int k, int stride, int pad) {
  seq->push_back(conv(in, out, k, stride, pad));
  seq->push_back(make_norm(o, out));
  seq->push_back(nn::ReLU(nn::ReLUOptions(true)));
}

// Transposed convolution k4 s2 p1 (doubles the size), normalisation, ReLU.
void add_up_norm_relu(nn::Sequential& seq, const ModelOptions& o, int in, int out) {
  seq->push_back(nn::ConvTranspose3d(nn::ConvTranspose3dOptions(in, out, 4).stride(2).padding(1).bias(false)));
  seq->push_back(make_norm(o, out));
  seq->push_back(nn::ReLU(nn::ReLUOptions(true)));
}

void add_blocks(nn::Sequential& seq, const ModelOptions& o, int channels, int count) {
  for (int i = 0; i < count; ++i) seq->push_back(ResBlock(o, channels));
}

}  // namespace

ResBlockImpl::ResBlockImpl(const ModelOptions& o, int channels)
    : conv1_(conv(channels, channels, 3, 1, 1)), conv2_(conv(channels, channels, 3, 1, 1)),
      norm1_(make_norm(o, channels)), norm2_(make_norm(o, channels)) {
  register_module("conv1", conv1_);
  register_module("norm1", norm1_.ptr());
  register_module("conv2", conv2_);
  register_module("norm2", norm2_.ptr());
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x) {
  auto y = norm1_.forward(conv1_(x)).relu_();
  y = norm2_.forward(conv2_(y)) + x;
  return y.relu_();
}

EncoderImpl::EncoderImpl(const ModelOptions& o) {
  const int w = o.width, b = o.bottleneck();
  features_ = nn::Sequential();
  add_conv_norm_relu(features_, o, o.channels, w, 7, 2, 3);
  add_blocks(features_, o, w, o.blocks[0]);
  for (int stage = 1; stage < 4; ++stage) {
    const int in = w << (stage - 1), out = w << stage;
    add_conv_norm_relu(features_, o, in, out, 3, 2, 1);
    add_blocks(features_, o, out, o.blocks[stage]);
  }
  register_module("features", features_);
  fc_hidden_ = register_module("fc_hidden", nn::Linear(8 * w * b * b * b, o.hidden));
  fc_mu_ = register_module("fc_mu", nn::Linear(o.hidden, o.latent));
  fc_log_var_ = register_module("fc_log_var", nn::Linear(o.hidden, o.latent));
}

std::pair<torch::Tensor, torch::Tensor> EncoderImpl::forward(const torch::Tensor& x) {
  auto h = torch::tanh(fc_hidden_(features_->forward(x).flatten(1)));
  return {fc_mu_(h), fc_log_var_(h)};
}

DecoderImpl::DecoderImpl(const ModelOptions& o) : o_(o) {
  const int w = o.width, b = o.bottleneck();
  fc1_ = register_module("fc1", nn::Linear(o.latent, o.hidden));
  fc2_ = register_module("fc2", nn::Linear(o.hidden, 8 * w * b * b * b));
  features_ = nn::Sequential();
  // Stages at 4w, 2w, w, then the input channels (the paper's decoder is not an exact
  // mirror: its last residual blocks run on 3 channels).
  const std::array<int, 5> ch{8 * w, 4 * w, 2 * w, w, o.channels};
  for (int stage = 0; stage < 4; ++stage) {
    add_up_norm_relu(features_, o, ch[stage], ch[stage + 1]);
    add_blocks(features_, o, ch[stage + 1], o.blocks[stage]);
  }
  features_->push_back(
      nn::ConvTranspose3d(nn::ConvTranspose3dOptions(o.channels, o.channels, 3).stride(1).padding(1)));
  register_module("features", features_);
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z) {
  const int b = o_.bottleneck();
  auto h = torch::relu(fc2_(torch::relu(fc1_(z))));
  return features_->forward(h.view({h.size(0), 8 * o_.width, b, b, b}));
}

VaeImpl::VaeImpl(const ModelOptions& o) : o_(o) {
  encoder = register_module("encoder", Encoder(o));
  decoder = register_module("decoder", Decoder(o));
  initialise_weights(*this);
}

VaeOutput VaeImpl::forward(const torch::Tensor& x, const torch::Tensor& eps) {
  VaeOutput out;
  std::tie(out.mu, out.log_var) = encoder(x);
  auto z = eps.defined() ? out.mu + torch::exp(0.5 * out.log_var) * eps : out.mu;
  out.logits = decoder(z);
  out.x_hat = torch::sigmoid(out.logits);
  return out;
}

void initialise_weights(nn::Module& root) {
  torch::NoGradGuard no_grad;
  for (auto& m : root.modules(/*include_self=*/false)) {
    if (auto* c = m->as<nn::Conv3d>()) {
      nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* bn = m->as<nn::BatchNorm3d>()) {
      nn::init::ones_(bn->weight);
      nn::init::zeros_(bn->bias);
    } else if (auto* gn = m->as<nn::GroupNorm>()) {
      nn::init::ones_(gn->weight);
      nn::init::zeros_(gn->bias);
    }
  }
}

std::int64_t expected_parameter_count(const ModelOptions& o) {
  using I = std::int64_t;
  const I w = o.width, c = o.channels, h = o.hidden, l = o.latent, b = o.bottleneck();
  const I flat = 8 * w * b * b * b;
  auto conv = [](I in, I out, I k) { return in * out * k * k * k; };
  auto block = [&](I ch) { return 2 * (conv(ch, ch, 3) + 2 * ch); };
  I n = conv(c, w, 7) + 2 * w;                        // encoder stem
  for (int s = 0; s < 4; ++s) {
    const I ch = w << s;
    if (s > 0) n += conv(ch / 2, ch, 3) + 2 * ch;      // downsampling
    n += o.blocks[s] * block(ch);
  }
  n += flat * h + h + 2 * (h * l + l);                // fc_hidden, fc_mu, fc_log_var
  n += l * h + h + h * flat + flat;                   // decoder fc1, fc2
  const I ch[5] = {8 * w, 4 * w, 2 * w, w, c};
  for (int s = 0; s < 4; ++s) n += conv(ch[s], ch[s + 1], 4) + 2 * ch[s + 1] + o.blocks[s] * block(ch[s + 1]);
  n += conv(c, c, 3) + c;                             // final biased transposed conv
  return n;
}

std::int64_t parameter_count(nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

}  // namespace mspipe::ml
