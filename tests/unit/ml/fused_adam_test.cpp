#include <gtest/gtest.h>

#include "ml/fused_adam.hpp"

namespace mspipe::ml {
namespace {

// FusedAdam against LibTorch's Adam on the same parameters and gradients.
void compare(bool amsgrad) {
  torch::manual_seed(11);
  std::vector<torch::Tensor> a{torch::randn({5, 7}).requires_grad_(), torch::randn({13}).requires_grad_()};
  std::vector<torch::Tensor> b;
  for (const auto& t : a) b.push_back(t.detach().clone().requires_grad_());
  torch::optim::Adam reference(a, torch::optim::AdamOptions(1e-2).weight_decay(1e-3).amsgrad(amsgrad));
  auto flat_grad = torch::zeros({5 * 7 + 13});
  AdamSettings s;
  s.lr = 1e-2, s.weight_decay = 1e-3, s.amsgrad = amsgrad;
  FusedAdam fused(b, flat_grad, s);
  for (int step = 0; step < 6; ++step) {
    auto g0 = torch::randn({5, 7}), g1 = torch::randn({13}) * (step + 1);
    a[0].mutable_grad() = g0.clone();
    a[1].mutable_grad() = g1.clone();
    flat_grad.copy_(torch::cat({g0.flatten(), g1}));
    reference.step();
    fused.step();
    for (int i = 0; i < 2; ++i) EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6)) << "step " << step;
  }
  EXPECT_EQ(fused.steps(), 6);
  EXPECT_EQ(b[1].data_ptr<float>(), b[0].data_ptr<float>() + 35);  // one contiguous buffer
}

TEST(FusedAdam, MatchesLibTorchAdam) { compare(false); }
TEST(FusedAdam, MatchesLibTorchAdamWithAmsgrad) { compare(true); }

}  // namespace
}  // namespace mspipe::ml
