// What `vae eval --sets` and `vae path` rest on, over the ranks: the input-blind reference
// is exactly what a model predicting the set's mean Euler angles scores, and a decoded
// latent path starts and ends at the plain reconstructions of its two VEs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/comm.hpp"
#include "ml/checkpoint.hpp"
#include "ml/evaluation.hpp"
#include "ml/vae_encode.hpp"
#include "ml/vae_evaluate.hpp"
#include "ml/phi4.hpp"
#include "ml/vae_path.hpp"
#include "ml/vae_reconstruct.hpp"

namespace mspipe::ml {
namespace {

namespace fs = std::filesystem;

fs::path checkpoint_file(const core::Comm& comm, const std::string& name) {
  const auto dir = fs::path("test_scratch") / ("ml_inference_np" + std::to_string(comm.size()));
  if (comm.rank() == 0) fs::create_directories(dir);
  comm.barrier();
  return dir / (name + ".pt");
}

void save(const core::Comm& comm, const fs::path& file, Vae& model) {
  Checkpoint c;
  c.model = model->options();
  if (comm.rank() == 0) save_checkpoint(file, model, nullptr, c);
  comm.barrier();
}

// A plain_conv model whose output ignores its input: its decoder's last convolution has
// zero weights and the given bias (logits or quaternion components), so it writes the
// same values in every voxel.
Vae constant_output_model(Representation representation, const torch::Tensor& bias_values) {
  ModelOptions o;
  set_architecture(o, "plain_conv");
  o.ve_size = 16, o.width = 4, o.latent = 4;
  o.representation = representation;
  torch::manual_seed(1);
  Vae model(o);
  torch::NoGradGuard no_grad;
  auto params = model->decoder->parameters();
  auto& weight = params[params.size() - 2];
  auto& bias = params[params.size() - 1];
  TORCH_CHECK(weight.size(0) == o.orientation_channels() && bias.sizes() == bias_values.sizes(),
              "not the decoder's last convolution");
  weight.zero_();
  bias.copy_(bias_values.to(torch::kFloat32));
  return model;
}

TEST(InputBlindReference, EqualsTheScoreOfAModelThatPredictsTheSetMean) {
  core::Comm comm(MPI_COMM_WORLD);
  // 9 VEs: an odd count, so the ranks hold blocks of different sizes and the set mean is
  // only right if it is taken over all of them, not per rank.
  const auto source = make_synthetic_source(11, 0, 9, 16, 5);
  std::vector<std::int64_t> all(9);
  for (int i = 0; i < 9; ++i) all[i] = i;
  const auto mean = load_batch(*source, all).to(torch::kFloat64).mean({0, 2, 3, 4});  // (3)
  // With bias logit(mean) the model outputs the set's mean angles in every voxel.
  auto model = constant_output_model(Representation::euler, torch::logit(mean));
  const auto file = checkpoint_file(comm, "mean_predictor");
  save(comm, file, model);
  const auto e = evaluate_set(comm, {file, 4, 1}, *source, LossOptions{});
  EXPECT_EQ(e.count, 9);
  EXPECT_GT(e.phi4_mean_baseline, 0.05);  // far from 0: the check below is not trivial
  EXPECT_NEAR(e.phi4_mean, e.phi4_mean_baseline, 1e-6);
  EXPECT_NEAR(e.phi4_std, e.phi4_std_baseline, 1e-6);
  if (comm.rank() == 0) {
    EXPECT_EQ(e.phi4_per_ve.size(), 9u);
  }
}

TEST(InputBlindReference, TheMeanOrientationIsTheScoreOfAQuaternionModelThatPredictsIt) {
  core::Comm comm(MPI_COMM_WORLD);
  const auto source = make_synthetic_source(13, 0, 9, 16, 5);
  std::vector<std::int64_t> all(9);
  for (int i = 0; i < 9; ++i) all[i] = i;
  // The mean orientation: the normalised mean of the voxels' quaternions.
  const auto q = quaternion_channels(load_batch(*source, all).to(torch::kFloat64));
  auto v = q.mean({0, 2, 3, 4});
  v = v / v.norm();
  // With bias v the quaternion model writes v in every voxel.
  auto model = constant_output_model(Representation::quaternion, v);
  const auto file = checkpoint_file(comm, "mean_orientation_predictor");
  save(comm, file, model);
  LossOptions loss;
  loss.alpha = 0;
  const auto e = evaluate_set(comm, {file, 4, 1}, *source, loss);
  EXPECT_GT(e.phi4_mean_orientation, 0.05);
  EXPECT_NEAR(e.phi4_mean, e.phi4_mean_orientation, 1e-6);
  EXPECT_NEAR(e.phi4_std, e.phi4_std_orientation, 1e-6);
}

TEST(LatentPath, EndsAreThePlainReconstructionsAndStepsAreEvenlySpaced) {
  core::Comm comm(MPI_COMM_WORLD);
  const auto source = make_synthetic_source(4, 0, 6, 16, 6);
  ModelOptions o;
  o.ve_size = 16, o.width = 4, o.hidden = 32, o.latent = 8, o.blocks = {1, 1, 1, 1};
  torch::manual_seed(2);
  Vae model(o);
  const auto file = checkpoint_file(comm, "path_model");
  save(comm, file, model);
  const InferenceOptions options{file, 2, 1};
  const int steps = 5;
  const auto p = decode_path(comm, options, *source, 1, 4, steps);
  ASSERT_EQ(p.t.size(), static_cast<std::size_t>(steps));
  EXPECT_EQ(p.t.front(), 0.0);
  EXPECT_EQ(p.t.back(), 1.0);
  EXPECT_NEAR(p.t[2], 0.5, 1e-7);
  EXPECT_EQ(p.id_a, 1);
  EXPECT_EQ(p.id_b, 4);
  const std::size_t per = 3 * static_cast<std::size_t>(p.voxels());
  ASSERT_EQ(p.decoded.size(), steps * per);

  // The plain reconstructions of A and B, gathered from whichever ranks made them.
  const auto r = reconstruct_set(comm, options, *source, {1, 4});
  std::vector<float> rec(2 * per, 0.0f);
  std::copy(r.reconstruction.begin(), r.reconstruction.end(), rec.begin() + r.first * per);
  comm.allreduce_inplace(std::span<float>(rec), core::ReduceOp::sum);
  double da = 0, db = 0, mid = 0;
  for (std::size_t i = 0; i < per; ++i) {
    da = std::max(da, double(std::abs(p.decoded[i] - rec[i])));
    db = std::max(db, double(std::abs(p.decoded[(steps - 1) * per + i] - rec[per + i])));
    mid = std::max(mid, double(std::abs(p.decoded[2 * per + i] - rec[i])));
  }
  EXPECT_LT(da, 1e-5);
  EXPECT_LT(db, 1e-5);
  EXPECT_GT(mid, 1e-3);  // the middle of the path is not A again

  // The fingerprints are the encoder's mu, as `vae encode` writes them.
  const auto enc = encode_set(comm, options, *source);
  for (std::size_t k = 0; k < enc.ve_id.size(); ++k) {
    const auto& mu = enc.ve_id[k] == 1 ? p.mu_a : enc.ve_id[k] == 4 ? p.mu_b : std::vector<float>{};
    for (std::size_t j = 0; j < mu.size(); ++j)
      EXPECT_NEAR(mu[j], enc.mu[k * enc.latent + j], 1e-5);
  }
}

}  // namespace
}  // namespace mspipe::ml
