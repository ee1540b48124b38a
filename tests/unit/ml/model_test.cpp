#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.hpp"

#include "ml/checkpoint.hpp"
#include "ml/model.hpp"
#include "support/scratch_dir.hpp"

namespace mspipe::ml {
namespace {

ModelOptions small(int ve_size, std::array<int, 4> blocks, Norm norm) {
  ModelOptions o;
  o.ve_size = ve_size, o.width = 4, o.hidden = 32, o.latent = 8, o.blocks = blocks, o.norm = norm;
  return o;
}

ModelOptions paper(int ve_size, const std::string& arch) {
  ModelOptions o;  // width 64, hidden 8192, latent 256
  o.ve_size = ve_size;
  o.blocks = blocks_for(arch);
  return o;
}

TEST(VaeModel, ParameterCountsMatchThePapersCode) {
  // REFERENCE.md §E: 582 M / 606 M / 642 M at 64^3 and 113 M / 136 M / 173 M at 32^3.
  EXPECT_NEAR(expected_parameter_count(paper(64, "resnet12")) / 1e6, 582, 0.5);
  EXPECT_NEAR(expected_parameter_count(paper(64, "resnet18")) / 1e6, 606, 0.5);
  EXPECT_NEAR(expected_parameter_count(paper(64, "resnet34")) / 1e6, 642, 0.5);
  EXPECT_NEAR(expected_parameter_count(paper(32, "resnet12")) / 1e6, 113, 0.5);
  EXPECT_NEAR(expected_parameter_count(paper(32, "resnet18")) / 1e6, 136, 0.5);
  EXPECT_NEAR(expected_parameter_count(paper(32, "resnet34")) / 1e6, 173, 0.5);
  // 88.6 % of the 64^3 resnet18 sits in the two 32768 x 8192 linear layers.
  EXPECT_NEAR(2.0 * 32768 * 8192 / expected_parameter_count(paper(64, "resnet18")), 0.886, 0.0005);
}

TEST(VaeModel, BuiltModelHasTheCountedParameters) {
  for (const char* arch : {"resnet12", "resnet18", "resnet34"})
    for (Norm norm : {Norm::group, Norm::batch})
      for (int size : {16, 32}) {
        auto o = small(size, blocks_for(arch), norm);
        Vae vae(o);
        EXPECT_EQ(parameter_count(*vae), expected_parameter_count(o)) << arch << " " << size;
      }
  // The paper's resnet18 at 32^3, built for real (no forward pass): 136,060,704.
  Vae big(paper(32, "resnet18"));
  EXPECT_EQ(parameter_count(*big), 136060704);
}

TEST(VaeModel, ShapesAndRanges) {
  for (Norm norm : {Norm::group, Norm::batch}) {
    torch::manual_seed(1);
    Vae vae(small(16, {1, 1, 1, 1}, norm));
    auto x = torch::rand({2, 3, 16, 16, 16});
    auto out = vae->forward(x, torch::randn({2, 8}));
    EXPECT_EQ(out.x_hat.sizes(), x.sizes());
    EXPECT_EQ(out.mu.sizes(), (std::vector<int64_t>{2, 8}));
    EXPECT_EQ(out.log_var.sizes(), (std::vector<int64_t>{2, 8}));
    EXPECT_GT(out.x_hat.min().item<float>(), 0.f);
    EXPECT_LT(out.x_hat.max().item<float>(), 1.f);
    EXPECT_TRUE(torch::allclose(out.x_hat, torch::sigmoid(out.logits)));
  }
}

TEST(VaeModel, NoiseChangesOnlyTheDecoderInput) {
  torch::manual_seed(2);
  Vae vae(small(16, {1, 1, 1, 1}, Norm::group));
  auto x = torch::rand({2, 3, 16, 16, 16});
  auto a = vae->forward(x), b = vae->forward(x, torch::zeros({2, 8})), c = vae->forward(x, torch::ones({1, 8}));
  EXPECT_TRUE(torch::equal(a.mu, c.mu));
  EXPECT_TRUE(torch::allclose(a.x_hat, b.x_hat));  // eps = 0 is the deterministic path
  EXPECT_FALSE(torch::allclose(a.x_hat, c.x_hat));
}

TEST(VaeModel, GroupNormIsPerSample) {
  // With GroupNorm a sample's output does not depend on the rest of the batch: the
  // property that makes data-parallel steps independent of the rank count.
  torch::manual_seed(3);
  Vae vae(small(16, {1, 1, 1, 1}, Norm::group));
  auto x = torch::rand({3, 3, 16, 16, 16});
  auto all = vae->forward(x).x_hat;
  auto one = vae->forward(x.narrow(0, 1, 1)).x_hat;
  EXPECT_TRUE(torch::allclose(all.narrow(0, 1, 1), one, 1e-5, 1e-6));
}

TEST(VaeModel, GroupCountKeepsTwoChannelsPerGroup) {
  EXPECT_EQ(group_count(512, 8), 8);
  EXPECT_EQ(group_count(4, 8), 2);
  EXPECT_EQ(group_count(3, 8), 1);
  EXPECT_EQ(group_count(12, 8), 6);
  EXPECT_EQ(group_count(1, 8), 1);
}

TEST(VaeModel, OptionsSurviveTheirTextForm) {
  auto o = small(32, {3, 4, 6, 3}, Norm::batch);
  o.norm_groups = 4;
  for (auto noise : {Noise::shared, Noise::none, Noise::per_sample}) {
    o.noise = noise;
    EXPECT_EQ(parse_model_options(describe_model_options(o)).noise, noise);
    EXPECT_EQ(describe_model_options(parse_model_options(describe_model_options(o))), describe_model_options(o));
  }
  EXPECT_THROW(parse_model_options("width=4"), std::invalid_argument);
}

TEST(VaeModel, CheckpointRoundTripRestoresWeights) {
  torch::manual_seed(4);
  auto o = small(16, {1, 1, 1, 1}, Norm::batch);
  Vae vae(o);
  vae->forward(torch::rand({2, 3, 16, 16, 16}));  // moves the BatchNorm running statistics
  Checkpoint c;
  c.model = o;
  c.position = {2, 3, 17, 42};
  c.epoch_sums = {1.5, 2.5, 0.25, 4.25, 3};
  c.metrics_csv = "a,b\n1,2\n";
  const auto file = mspipe::test_scratch::fresh_scratch_dir("ckpt_round_trip") / "checkpoint.pt";
  save_checkpoint(file, vae, nullptr, c);
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  auto back = load_model(file);
  const auto h = read_checkpoint_header(file);
  EXPECT_EQ(h.position.global_step, 17);
  EXPECT_EQ(h.position.seed, 42u);
  EXPECT_EQ(h.epoch_sums.bce, 1.5);
  EXPECT_EQ(h.epoch_sums.kl, 0.25);
  EXPECT_EQ(h.epoch_sums.steps, 3);
  EXPECT_EQ(h.metrics_csv, c.metrics_csv);
  auto p = vae->named_parameters(), q = back->named_parameters();
  for (const auto& item : p) EXPECT_TRUE(torch::equal(item.value(), q[item.key()])) << item.key();
  auto bp = vae->named_buffers(), bq = back->named_buffers();
  for (const auto& item : bp) EXPECT_TRUE(torch::equal(item.value(), bq[item.key()])) << item.key();
  std::filesystem::remove(file);
}

TEST(VaeModel, UnreadableCheckpointIsAnInputError) {
  const auto file = mspipe::test_scratch::fresh_scratch_dir("not_a_checkpoint") / "not_a_checkpoint.pt";
  { std::ofstream(file) << "not a checkpoint"; }
  EXPECT_THROW(read_checkpoint_header(file), core::InputError);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace mspipe::ml
