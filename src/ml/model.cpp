#include "ml/model.hpp"

#include "ml/cpu_convolutions.hpp"
#include "ml/orientation_moments.hpp"
#include "ml/phi4.hpp"

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

// The plain family's channels per stage: w, 2w, 2w (32, 64, 64 at width 32).
// (The first is the encoder's input; the decoder ends on o.channels.)
std::array<int, 4> plain_channels(const ModelOptions& o) {
  return {o.encoder_channels(), o.width, 2 * o.width, 2 * o.width};
}

// Biased convolution (or transposed convolution) and ReLU, no normalisation.
void add_plain_stage(nn::Sequential& seq, int in, int out, bool up) {
  if (up)
    seq->push_back(nn::ConvTranspose3d(nn::ConvTranspose3dOptions(in, out, 4).stride(2).padding(1)));
  else
    seq->push_back(nn::Conv3d(nn::Conv3dOptions(in, out, 3).stride(2).padding(1)));
  seq->push_back(nn::ReLU(nn::ReLUOptions(true)));
}

std::int64_t flat_size(const ModelOptions& o) {
  const std::int64_t b = o.bottleneck();
  return (o.family == Family::plain ? plain_channels(o)[3] : 8 * o.width) * b * b * b;
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
  auto y = norm1_.forward(forward_conv(*conv1_, x)).relu_();
  y = norm2_.forward(forward_conv(*conv2_, y)) + x;
  return y.relu_();
}

EncoderImpl::EncoderImpl(const ModelOptions& o)
    : orientation_features_(o.orientation_features), quaternion_input_(o.representation == Representation::quaternion) {
  features_ = nn::Sequential();
  if (o.family == Family::plain) {
    const auto ch = plain_channels(o);
    for (int s = 0; s < 3; ++s) add_plain_stage(features_, ch[s], ch[s + 1], false);
    register_module("features", features_);
    fc_mu_ = register_module("fc_mu", nn::Linear(flat_size(o), o.latent));
    fc_log_var_ = register_module("fc_log_var", nn::Linear(flat_size(o), o.latent));
    return;
  }
  const int w = o.width;
  add_conv_norm_relu(features_, o, o.encoder_channels(), w, 7, 2, 3);
  add_blocks(features_, o, w, o.blocks[0]);
  for (int stage = 1; stage < 4; ++stage) {
    const int in = w << (stage - 1), out = w << stage;
    add_conv_norm_relu(features_, o, in, out, 3, 2, 1);
    add_blocks(features_, o, out, o.blocks[stage]);
  }
  register_module("features", features_);
  fc_hidden_ = register_module("fc_hidden", nn::Linear(flat_size(o), o.hidden));
  fc_mu_ = register_module("fc_mu", nn::Linear(o.hidden, o.latent));
  fc_log_var_ = register_module("fc_log_var", nn::Linear(o.hidden, o.latent));
}

std::pair<torch::Tensor, torch::Tensor> EncoderImpl::forward(const torch::Tensor& x) {
  return forward_with_fields(x, orientation_features_ ? orientation_moment_fields(x) : torch::Tensor());
}

std::pair<torch::Tensor, torch::Tensor> EncoderImpl::forward_with_fields(const torch::Tensor& x, const torch::Tensor& moment_fields) {
  auto in = quaternion_input_ ? quaternion_channels(x) : x;
  if (orientation_features_) {
    const auto uniform = uniform_orientation_moments(x.options()).view({1, kOrientationMoments, 1, 1, 1});
    in = torch::cat({in, moment_fields - uniform}, 1);
  }
  auto h = features_->forward(in).flatten(1);
  if (fc_hidden_) h = torch::tanh(fc_hidden_(h));
  return {fc_mu_(h), fc_log_var_(h)};
}

DecoderImpl::DecoderImpl(const ModelOptions& o) : o_(o) {
  features_ = nn::Sequential();
  if (o.family == Family::plain) {
    const auto ch = plain_channels(o);
    fc2_ = register_module("fc2", nn::Linear(o.latent, flat_size(o)));
    for (int s = 3; s > 0; --s) add_plain_stage(features_, ch[s], s == 1 ? ch[1] : ch[s - 1], true);
    features_->push_back(nn::Conv3d(nn::Conv3dOptions(ch[1], o.orientation_channels(), 3).padding(1)));
    register_module("features", features_);
    return;
  }
  const int w = o.width;
  fc1_ = register_module("fc1", nn::Linear(o.latent, o.hidden));
  fc2_ = register_module("fc2", nn::Linear(o.hidden, flat_size(o)));
  // Stages at 4w, 2w, w, then the input channels (the paper's decoder is not an exact
  // mirror: its last residual blocks run on 3 channels).
  const int c = o.orientation_channels();
  const std::array<int, 5> ch{8 * w, 4 * w, 2 * w, w, c};
  for (int stage = 0; stage < 4; ++stage) {
    add_up_norm_relu(features_, o, ch[stage], ch[stage + 1]);
    add_blocks(features_, o, ch[stage + 1], o.blocks[stage]);
  }
  features_->push_back(nn::ConvTranspose3d(nn::ConvTranspose3dOptions(c, c, 3).stride(1).padding(1)));
  register_module("features", features_);
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z) {
  const int b = o_.bottleneck();
  auto h = torch::relu(fc2_(fc1_ ? torch::relu(fc1_(z)) : z));
  return forward_sequential(features_, h.view({h.size(0), flat_size(o_) / (b * b * b), b, b, b}));
}

VaeImpl::VaeImpl(const ModelOptions& o) : o_(o) {
  encoder = register_module("encoder", Encoder(o));
  decoder = register_module("decoder", Decoder(o));
  if (o.texture_moments > 0) {
    texture = register_module("texture", nn::Linear(o.latent, o.texture_moments));
    // Zero: the head starts at a uniform texture, so the encoder's first steps are the
    // reconstruction's alone and the texture gradients reach it as the head's weights grow
    // (from LibTorch's default start, the head's error of ~0.3 per moment times the voxels
    // outweighed the spectral term tenfold and left the reconstruction at the
    // input-blind plateau: test phi4 0.261 against 0.156 without the head).
    torch::NoGradGuard no_grad;
    texture->weight.zero_();
    texture->bias.zero_();
  }
  // The plain family keeps LibTorch's default initialisation (PyTorch's), under which it
  // was measured.
  if (o.family == Family::resnet) initialise_weights(*this);
  if (o.representation == Representation::quaternion) {
    // The quaternion decoder starts near the identity, the fundamental zones' centre, at
    // unit length. From LibTorch's default start its outputs are near zero, where the
    // misorientation term's gradient grows as 1/|q| and Adam's steps turn the direction
    // while the squared error regains the length only slowly (on eight VEs: 0.73 of the
    // squared error per voxel left after 150 steps).
    torch::NoGradGuard no_grad;
    auto bias = decoder->parameters().back();
    bias.zero_();
    bias[0] = 1.0;
  }
}

VaeOutput VaeImpl::forward(const torch::Tensor& x, const torch::Tensor& eps) {
  VaeOutput out;
  // The per-voxel moments feed both the encoder's extra channels and the texture term's
  // target: computed once.
  const auto fields = o_.orientation_features || texture ? orientation_moment_fields(x) : torch::Tensor();
  std::tie(out.mu, out.log_var) = encoder->forward_with_fields(x, fields);
  auto z = eps.defined() ? out.mu + torch::exp(0.5 * out.log_var) * eps : out.mu;
  out.logits = decoder(z);
  out.representation = o_.representation;
  out.x_hat = reconstruction(out.logits, o_.representation);
  if (texture) {
    out.texture = texture(out.mu);
    out.moments = fields.flatten(2).mean(2);
  }
  return out;
}

torch::Tensor VaeImpl::decode(const torch::Tensor& z) { return reconstruction(decoder(z), o_.representation); }

torch::Tensor reconstruction(const torch::Tensor& decoded, Representation representation) {
  if (representation == Representation::euler) return torch::sigmoid(decoded);
  // The loss works on the quaternions themselves; the angles are for the metric and the user.
  return normalised_euler_from_quaternions(decoded.movedim(1, -1)).movedim(-1, 1).contiguous();
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
  const I w = o.width, c = o.orientation_channels(), h = o.hidden, l = o.latent;
  const I flat = flat_size(o);
  const I head = o.texture_moments > 0 ? l * o.texture_moments + o.texture_moments : 0;
  auto conv = [](I in, I out, I k) { return in * out * k * k * k; };
  if (o.family == Family::plain) {
    const auto ch = plain_channels(o);
    I n = 0;
    for (int s = 0; s < 3; ++s) n += conv(ch[s], ch[s + 1], 3) + ch[s + 1];  // encoder
    n += 2 * (flat * l + l) + l * flat + flat;                              // mu, ln sigma^2, back
    for (int s = 3; s > 0; --s) {
      const I out = s == 1 ? ch[1] : ch[s - 1];
      n += conv(ch[s], out, 4) + out;                                       // transposed
    }
    return n + conv(ch[1], c, 3) + c + head;                                // to the channels
  }
  auto block = [&](I ch) { return 2 * (conv(ch, ch, 3) + 2 * ch); };
  I n = conv(o.encoder_channels(), w, 7) + 2 * w;     // encoder stem
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
  return n + head;
}

std::int64_t parameter_count(nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

}  // namespace mspipe::ml
