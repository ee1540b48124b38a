// The texture term: orientation moments against hand-computed rotations and the uniform
// distribution's known moments, the head on mu, its loss, checkpoints and description.
#include <gtest/gtest.h>

#include <cmath>

#include "ml/checkpoint.hpp"
#include "ml/loss.hpp"
#include "ml/model.hpp"
#include "ml/orientation_moments.hpp"
#include "support/scratch_dir.hpp"

namespace mspipe::ml {
namespace {

// One VE of 2^3 voxels, every voxel at normalised angles (a, b, c).
torch::Tensor uniform_ve(double a, double b, double c) {
  auto x = torch::empty({1, 3, 2, 2, 2}, torch::kFloat64);
  x.select(1, 0).fill_(a), x.select(1, 1).fill_(b), x.select(1, 2).fill_(c);
  return x;
}

std::vector<double> values(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat64).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

TEST(OrientationMoments, IdentityPutsEachSampleAxisOnItsCrystalAxis) {
  const auto m = values(orientation_moments(uniform_ve(0, 0, 0)));
  ASSERT_EQ(m.size(), static_cast<std::size_t>(kOrientationMoments));
  // axis j: h = e_j, so h_j^2 = h_j^4 = 1 and every other moment 0.
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 9; ++k) EXPECT_NEAR(m[9 * j + k], (k == j || k == j + 3) ? 1.0 : 0.0, 1e-12) << j << k;
}

TEST(OrientationMoments, QuarterTurnAboutXByHand) {
  // phi1 = phi2 = 0, Phi = 90 deg: g = [[1,0,0],[0,0,1],[0,-1,0]] (Bunge, passive), whose
  // columns send sample x to crystal (1,0,0), y to (0,0,-1), z to (0,1,0).
  const auto m = values(orientation_moments(uniform_ve(0, 0.5, 0)));
  const std::array<int, 3> on{0, 2, 1};  // crystal component of each sample axis
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 9; ++k)
      EXPECT_NEAR(m[9 * j + k], (k == on[j] || k == on[j] + 3) ? 1.0 : 0.0, 1e-12) << j << k;
}

TEST(OrientationMoments, ZAxisIsCosPhiAndEveryColumnAndRowIsAUnitVector) {
  torch::manual_seed(11);
  const auto x = torch::rand({3, 3, 4, 4, 4}, torch::kFloat64);
  const auto m = orientation_moments(x);
  // z in crystal coordinates has third component cos(Phi).
  const auto cos2 = torch::cos(x.select(1, 1) * M_PI).square().flatten(1).mean(1);
  EXPECT_TRUE(torch::allclose(m.select(1, 18 + 2), cos2, 1e-12, 1e-12));
  for (int j = 0; j < 3; ++j)  // h_1^2 + h_2^2 + h_3^2 = 1 for each sample axis
    EXPECT_TRUE(torch::allclose(m.slice(1, 9 * j, 9 * j + 3).sum(1), torch::ones({3}, torch::kFloat64), 1e-12));
  for (int i = 0; i < 3; ++i)  // and the rows of g: sum over sample axes of h_i^2 = 1
    EXPECT_TRUE(torch::allclose(m.select(1, i) + m.select(1, 9 + i) + m.select(1, 18 + i),
                                torch::ones({3}, torch::kFloat64), 1e-12));
}

TEST(OrientationMoments, UniformOrientationsGiveTheKnownMoments) {
  // On SO(3) each column of g is uniform on the sphere: <h_i^2> = 1/3, <h_i^4> = 1/5,
  // <h_i^2 h_k^2> = 1/15. Uniform orientations: phi1, phi2 uniform, cos(Phi) uniform.
  torch::manual_seed(12);
  auto x = torch::rand({1, 3, 48, 48, 48}, torch::kFloat64);
  x.select(1, 1).copy_(torch::acos(2 * x.select(1, 1) - 1) / M_PI);
  const auto m = values(orientation_moments(x));
  // 110,592 samples: standard errors below 0.001.
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 9; ++k) EXPECT_NEAR(m[9 * j + k], k < 3 ? 1.0 / 3 : k < 6 ? 0.2 : 1.0 / 15, 0.005) << j << k;
  const auto u = values(uniform_orientation_moments(torch::kFloat64));
  for (std::size_t k = 0; k < u.size(); ++k) EXPECT_NEAR(m[k], u[k], 0.005) << k;
}

TEST(OrientationMoments, UnchangedByTheTwoFoldTurnAboutTheCrystalZAxis) {
  // phi2 -> phi2 + pi is the passive 180 deg turn about crystal z (a symmetry of hexagonal
  // and cubic lattices): h -> (-h1, -h2, h3), which even moments cannot see.
  torch::manual_seed(13);
  const auto x = torch::rand({2, 3, 4, 4, 4}, torch::kFloat64);
  auto turned = x.clone();
  turned.select(1, 2).copy_(torch::fmod(x.select(1, 2) + 0.5, 1.0));
  EXPECT_TRUE(torch::allclose(orientation_moments(turned), orientation_moments(x), 1e-12, 1e-12));
}

ModelOptions plain_with_head() {
  ModelOptions o;
  o.family = Family::plain, o.width = 4, o.latent = 8, o.ve_size = 16;
  o.texture_moments = kOrientationMoments;
  return o;
}

TEST(TextureHead, PredictsFromMuAndIsCountedDescribedAndCheckpointed) {
  torch::manual_seed(14);
  const auto o = plain_with_head();
  Vae vae(o);
  EXPECT_EQ(parameter_count(*vae), expected_parameter_count(o));
  ModelOptions bare = o;
  bare.texture_moments = 0;
  EXPECT_EQ(expected_parameter_count(o) - expected_parameter_count(bare), 8 * 27 + 27);
  const auto text = describe_model_options(o);
  EXPECT_NE(text.find("texture=27"), std::string::npos);
  EXPECT_EQ(parse_model_options(text).texture_moments, kOrientationMoments);
  EXPECT_EQ(describe_model_options(bare).find("texture"), std::string::npos);  // old checkpoints read as before
  EXPECT_THROW(parse_model_options(describe_model_options(bare) + " texture=5"), std::invalid_argument);

  const auto x = torch::rand({2, 3, 16, 16, 16});
  const auto out = vae->forward(x);
  ASSERT_TRUE(out.texture.defined());
  EXPECT_EQ(out.texture.sizes(), (std::vector<int64_t>{2, kOrientationMoments}));
  EXPECT_TRUE(torch::allclose(out.texture, vae->texture(out.mu)));
  EXPECT_EQ(out.texture.abs().max().item<float>(), 0.0f);  // starts at a uniform texture
  // The texture term's target comes from the forward pass, the VE's own moments.
  EXPECT_TRUE(torch::equal(out.moments, orientation_moments(x)));
  vae->texture->bias.data().fill_(0.5);                    // (non-zero, for the round trip below)
  EXPECT_FALSE(Vae(bare)->forward(x).texture.defined());

  Checkpoint c;
  c.model = o;
  c.epoch_sums = {1, 2, 0, 3, 4, 0.5};
  const auto file = mspipe::test_scratch::fresh_scratch_dir("texture_head") / "checkpoint.pt";
  save_checkpoint(file, vae, nullptr, c);
  auto back = load_model(file);
  EXPECT_TRUE(torch::equal(back->texture->bias, vae->texture->bias));
  EXPECT_EQ(read_checkpoint_header(file).epoch_sums.texture, 0.5);
  std::filesystem::remove(file);
}

TEST(OrientationFeatures, TheEncoderSeesTheMomentFieldsAndTheDecoderStillReturnsAngles) {
  torch::manual_seed(16);
  auto o = plain_with_head();
  o.orientation_features = true;
  EXPECT_EQ(o.encoder_channels(), 3 + kOrientationMoments);
  ModelOptions angles_only = o;
  angles_only.orientation_features = false;
  // Only the first convolution grows: 27 more input channels of 3^3 kernels per output channel.
  EXPECT_EQ(expected_parameter_count(o) - expected_parameter_count(angles_only), 27 * 27 * o.width);
  Vae vae(o);
  EXPECT_EQ(parameter_count(*vae), expected_parameter_count(o));
  const auto text = describe_model_options(o);
  EXPECT_NE(text.find("features=moments"), std::string::npos);
  EXPECT_EQ(describe_model_options(parse_model_options(text)), text);
  EXPECT_EQ(describe_model_options(angles_only).find("features"), std::string::npos);
  const auto x = torch::rand({2, 3, 16, 16, 16});
  const auto out = vae->forward(x);
  EXPECT_EQ(out.x_hat.sizes(), x.sizes());
  EXPECT_EQ(out.mu.sizes(), (std::vector<int64_t>{2, 8}));
  // Fields computed once by the VAE give the encoder what it computes for itself.
  const auto alone = vae->encoder->forward(x);
  EXPECT_TRUE(torch::equal(alone.first, out.mu));
  EXPECT_TRUE(torch::equal(vae->encoder->forward_with_fields(x, orientation_moment_fields(x)).first, alone.first));
  // The moment fields average to the VE's moments.
  EXPECT_TRUE(torch::allclose(orientation_moment_fields(x).flatten(2).mean(2), orientation_moments(x)));
}

TEST(TextureHead, LossIsVoxelsTimesTheSquaredErrorAndVanishesAtTheMoments) {
  torch::manual_seed(15);
  const auto x = torch::rand({2, 3, 4, 4, 4});
  VaeOutput out;
  out.logits = torch::zeros_like(x), out.x_hat = torch::sigmoid(out.logits);
  out.mu = torch::zeros({2, 8}), out.log_var = torch::zeros({2, 8});
  const auto target = orientation_moments(x) - uniform_orientation_moments(x.options());
  LossOptions o;
  o.alpha = 0;
  o.texture_weight = 2;
  out.texture = target.clone();
  const auto exact = vae_loss(out, x, o);
  EXPECT_NEAR(exact.texture.item<double>(), 0.0, 1e-9);
  out.texture = target + 0.01;
  const auto off = vae_loss(out, x, o);
  // 27 moments off by 0.01, times 64 voxels; weighted by 2 into the total.
  EXPECT_NEAR(off.texture.item<double>(), 27 * 1e-4 * 64, 1e-4);
  EXPECT_NEAR((off.total - exact.total).item<double>(), 2 * 27 * 1e-4 * 64, 1e-3);
  // Without a head the term is zero and the total the study's.
  out.texture = torch::Tensor();
  EXPECT_EQ(vae_loss(out, x, o).texture.item<double>(), 0.0);
}

}  // namespace
}  // namespace mspipe::ml
