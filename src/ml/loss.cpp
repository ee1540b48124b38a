#include "ml/loss.hpp"

#include "ml/orientation_moments.hpp"
#include "ml/phi4.hpp"

namespace mspipe::ml {

torch::Tensor spectral_loss(const torch::Tensor& x_hat, const torch::Tensor& x) {
  // The FFT is linear, so one transform of the difference gives FFT(x) - FFT(x_hat).
  const auto diff = torch::fft::fftn(x - x_hat, c10::nullopt, std::vector<int64_t>{2, 3, 4});
  // The study's normalisation: voxels per channel times batch (by Parseval, the sum of
  // squared voxel differences per VE).
  return torch::view_as_real(diff).square().sum() / static_cast<double>(x.numel() / x.size(1));
}

LossTerms vae_loss(const VaeOutput& out, const torch::Tensor& x, const LossOptions& o) {
  LossTerms t;
  namespace F = torch::nn::functional;
  const bool quaternion = out.representation == Representation::quaternion;
  // The quaternion decoder is compared with each voxel's unit quaternion (read_vae_config
  // keeps alpha at 0 for it: BCE has no meaning there).
  const auto q = quaternion ? quaternion_channels(x) : torch::Tensor();
  if (quaternion) {
    t.bce = torch::zeros({}, x.options());
  } else if (o.bce == BceForm::input_as_target) {
    // On the logits: the same value as BCE(sigmoid(logits), x) without log(0).
    t.bce = F::binary_cross_entropy_with_logits(out.logits, x);
  } else {
    // The paper's call BCEWithLogits(x, x_hat): the data as logits, the reconstruction as
    // target. Minimised by x_hat -> 1 wherever x > 0; kept only to reproduce the paper.
    t.bce = F::binary_cross_entropy_with_logits(x, out.x_hat);
  }
  // For quaternions the same sum of squared differences per VE (spectral_loss's value, by
  // Parseval), taken directly: it pulls the output's length to 1 as well.
  t.spectral = quaternion ? (out.logits - q).square().sum() / static_cast<double>(x.size(0))
                          : spectral_loss(out.x_hat, x);
  t.kl = -0.5 * (1 + out.log_var - out.mu.square() - out.log_var.exp()).sum(1).mean();
  t.total = o.alpha * t.bce + (1 - o.alpha) * o.spectral_weight * t.spectral;
  if (o.beta > 0) t.total = t.total + o.beta * t.kl;
  if (out.texture.defined()) {
    // The head predicts the departure from a uniform texture (and starts at zero, model.cpp).
    const auto moments = out.moments.defined() ? out.moments : orientation_moments(x);
    const auto target = (moments - uniform_orientation_moments(x.options())).detach();
    const double voxels = static_cast<double>(x.numel() / (x.size(0) * x.size(1)));
    t.texture = (out.texture - target).square().sum(1).mean() * voxels;
    if (o.texture_weight > 0) t.total = t.total + o.texture_weight * t.texture;
  } else {
    t.texture = torch::zeros({}, x.options());
  }
  t.phi4 = torch::zeros({}, x.options());
  if (o.phi4_weight > 0) {
    const auto voxels = quaternion ? phi4_quaternion_voxels(out.logits, q) : phi4_voxels(out.x_hat, x, x.scalar_type());
    t.phi4 = voxels.sum() / static_cast<double>(x.size(0));
    t.total = t.total + o.phi4_weight * t.phi4;
  }
  return t;
}

}  // namespace mspipe::ml
