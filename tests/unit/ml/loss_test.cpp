#include <gtest/gtest.h>

#include "ml/loss.hpp"
#include "ml/phi4.hpp"

namespace mspipe::ml {
namespace {

VaeOutput output_from_logits(const torch::Tensor& logits, int n, int latent) {
  VaeOutput out;
  out.logits = logits;
  out.x_hat = torch::sigmoid(logits);
  out.mu = torch::zeros({n, latent});
  out.log_var = torch::zeros({n, latent});
  return out;
}

TEST(VaeLoss, SpectralTermObeysParseval) {
  // sum_k |FFT(d)_k|^2 = D^3 sum_v d_v^2 for the unnormalised 3D FFT of each channel; the
  // term divides by D^3 * N (the study's normalisation), so it is the sum of squared
  // differences per VE: C * D^3 times the mean squared difference.
  torch::manual_seed(5);
  auto x = torch::rand({2, 3, 8, 8, 8}, torch::kFloat64), y = torch::rand({2, 3, 8, 8, 8}, torch::kFloat64);
  EXPECT_NEAR(spectral_loss(y, x).item<double>(), 3 * 512.0 * (x - y).square().mean().item<double>(), 1e-9);
  EXPECT_EQ(spectral_loss(x, x).item<double>(), 0.0);
}

TEST(VaeLoss, SpectralTermOfAUniformShiftIsItsDcComponent) {
  // x_hat = x + c: only the zero frequency differs, by c * D^3 per channel; three
  // channels, divided by D^3 voxels per channel times one VE.
  auto x = torch::rand({1, 3, 4, 4, 4}, torch::kFloat64);
  const double c = 0.1, expected = 3 * std::pow(c * 64, 2) / 64;
  EXPECT_NEAR(spectral_loss(x + c, x).item<double>(), expected, 1e-10);
}

TEST(VaeLoss, BceTakesTheInputAsTarget) {
  torch::manual_seed(6);
  auto x = torch::rand({2, 3, 4, 4, 4}), logits = torch::randn({2, 3, 4, 4, 4});
  LossOptions o;
  auto t = vae_loss(output_from_logits(logits, 2, 4), x, o);
  const auto p = torch::sigmoid(logits);
  const auto by_hand = -(x * torch::log(p) + (1 - x) * torch::log(1 - p)).mean();
  EXPECT_NEAR(t.bce.item<double>(), by_hand.item<double>(), 1e-5);
  // Its gradient with respect to the logits vanishes at x_hat = x: the minimum.
  auto at_x = torch::logit(x.clamp(1e-3, 1 - 1e-3)).requires_grad_();
  vae_loss(output_from_logits(at_x, 2, 4), x.clamp(1e-3, 1 - 1e-3), o).bce.backward();
  EXPECT_LT(at_x.grad().abs().max().item<double>(), 1e-7);
  // alpha weighs BCE against the spectral term; beta = 0 leaves KL out.
  EXPECT_NEAR(t.total.item<double>(), 0.999 * t.bce.item<double>() + 0.001 * t.spectral.item<double>(), 1e-5);
}

TEST(VaeLoss, PaperReversedBceRewardsSaturatedReconstructions) {
  // BCEWithLogits(x, x_hat): d/dx_hat = -x < 0, so x_hat -> 1 wherever x > 0.
  auto x = torch::full({1, 3, 4, 4, 4}, 0.5);
  LossOptions o;
  o.bce = BceForm::paper_reversed;
  const double at_x = vae_loss(output_from_logits(torch::zeros_like(x), 1, 4), x, o).bce.item<double>();
  const double saturated = vae_loss(output_from_logits(torch::full_like(x, 20.0), 1, 4), x, o).bce.item<double>();
  EXPECT_LT(saturated, at_x - 0.2);
  o.bce = BceForm::input_as_target;
  const double right_at_x = vae_loss(output_from_logits(torch::zeros_like(x), 1, 4), x, o).bce.item<double>();
  const double right_saturated = vae_loss(output_from_logits(torch::full_like(x, 20.0), 1, 4), x, o).bce.item<double>();
  EXPECT_GT(right_saturated, right_at_x + 5);
}

TEST(VaeLoss, KlIsZeroForTheStandardNormalAndAddsWithBeta) {
  auto x = torch::rand({2, 3, 4, 4, 4});
  auto out = output_from_logits(torch::zeros_like(x), 2, 4);
  LossOptions o;
  o.beta = 0.5;
  EXPECT_NEAR(vae_loss(out, x, o).kl.item<double>(), 0.0, 1e-12);
  out.mu = torch::ones({2, 4});  // KL = 0.5 * |mu|^2 = 2 per sample
  auto t = vae_loss(out, x, o);
  EXPECT_NEAR(t.kl.item<double>(), 2.0, 1e-6);
  EXPECT_NEAR(t.total.item<double>(),
              0.999 * t.bce.item<double>() + 0.001 * t.spectral.item<double>() + 0.5 * 2.0, 1e-5);
}

// The misorientation term is the evaluation's phi4 summed over the voxels, mean over the
// batch, and it is periodic in the Bunge angles where the squared error is not: phi1 = 0.01
// against 0.99 (of 2 pi) is a 7.2° rotation about z, a large squared error but a small phi4.
TEST(VaeLoss, Phi4TermIsTheMetricSummedOverVoxelsAndPeriodic) {
  torch::manual_seed(7);
  auto x = torch::rand({2, 3, 4, 4, 4});
  auto logits = torch::randn({2, 3, 4, 4, 4}).requires_grad_();
  LossOptions o;
  o.alpha = 0.0;
  o.phi4_weight = 2.0;
  auto out = output_from_logits(logits, 2, 4);
  auto t = vae_loss(out, x, o);
  const double by_metric = 64 * phi4_per_ve(out.x_hat.detach(), x).mean().item<double>();
  EXPECT_NEAR(t.phi4.item<double>(), by_metric, 1e-5 * by_metric);
  EXPECT_NEAR(t.total.item<double>(), t.spectral.item<double>() + 2.0 * by_metric, 1e-4 * by_metric);
  // spectral_weight scales the squared-error term alone; 0 leaves the phi4 term by itself.
  LossOptions no_spectral = o;
  no_spectral.spectral_weight = 0.0;
  const auto alone = vae_loss(output_from_logits(logits.detach(), 2, 4), x, no_spectral);
  EXPECT_NEAR(alone.total.item<double>(), 2.0 * by_metric, 1e-4 * by_metric);
  EXPECT_GT(t.spectral.item<double>(), 1e-3 * by_metric) << "the comparison must not be vacuous";
  // Gradients reach the logits, and a small step against them lowers phi4.
  t.phi4.backward();
  ASSERT_GT(logits.grad().abs().max().item<double>(), 0.0);
  const auto stepped = (logits - 0.5 * logits.grad()).detach();
  EXPECT_LT(phi4_per_ve(torch::sigmoid(stepped), x).mean().item<double>(),
            phi4_per_ve(out.x_hat.detach(), x).mean().item<double>());
  // Periodicity: phi1 across the 0/2π seam.
  auto a = torch::zeros({1, 3, 1, 1, 1}), b = torch::zeros({1, 3, 1, 1, 1});
  a.index_put_({0, 0}, 0.01);
  a.index_put_({0, 1}, 0.3);
  b.index_put_({0, 0}, 0.99);
  b.index_put_({0, 1}, 0.3);
  EXPECT_NEAR(phi4_voxels(b, a).item<double>(), 1 - std::cos(0.02 * M_PI), 1e-6);
  EXPECT_GT(spectral_loss(b, a).item<double>(), 0.9);
}

}  // namespace
}  // namespace mspipe::ml
