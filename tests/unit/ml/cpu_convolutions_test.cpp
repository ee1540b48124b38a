#include <gtest/gtest.h>

#include <ATen/autocast_mode.h>

#include "ml/cpu_convolutions.hpp"
#include "ml/model.hpp"

namespace mspipe::ml {
namespace {

namespace nn = torch::nn;

// Largest |a - b| relative to the largest |a|.
double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / a.abs().max()).item<double>();
}

// Forward value and the gradients of <f(x), g> with respect to x and the given parameters.
struct Pass {
  torch::Tensor y, dx;
  std::vector<torch::Tensor> dparams;
};

template <class F>
Pass run(F f, const torch::Tensor& x, const torch::Tensor& g, const std::vector<torch::Tensor>& params) {
  for (auto p : params) p.mutable_grad() = torch::Tensor();
  auto xr = x.clone().requires_grad_(true);
  Pass r;
  r.y = f(xr);
  (r.y * g).sum().backward();
  r.dx = xr.grad();
  for (const auto& p : params) r.dparams.push_back(p.grad().clone());
  return r;
}

void expect_same_map(const Pass& native, const Pass& form, const char* what) {
  EXPECT_LT(relative_difference(native.y, form.y), 1e-5) << what << ": value";
  EXPECT_LT(relative_difference(native.dx, form.dx), 1e-5) << what << ": gradient of the input";
  for (std::size_t i = 0; i < native.dparams.size(); ++i)
    EXPECT_LT(relative_difference(native.dparams[i], form.dparams[i]), 1e-4) << what << ": gradient of parameter " << i;
}

TEST(CpuConvolutions, ParityFormIsTheTransposedConvolution) {
  // Odd, unequal sides and channel counts: nothing in the form assumes a cube or a power
  // of two. With and without a bias; value and every gradient.
  torch::manual_seed(3);
  for (bool bias : {true, false}) {
    nn::ConvTranspose3d up(nn::ConvTranspose3dOptions(5, 3, 4).stride(2).padding(1).bias(bias));
    const auto x = torch::randn({2, 5, 3, 4, 5});
    const auto g = torch::randn({2, 3, 6, 8, 10});
    const auto native = run([&](const torch::Tensor& t) { return up->forward(t); }, x, g, up->parameters());
    const auto form =
        run([&](const torch::Tensor& t) { return upsample_by_parity(t, up->weight, up->bias); }, x, g, up->parameters());
    EXPECT_EQ(form.y.sizes(), native.y.sizes());
    expect_same_map(native, form, bias ? "with bias" : "without bias");
  }
}

TEST(CpuConvolutions, TransposedFormIsTheConvolution) {
  torch::manual_seed(4);
  for (bool bias : {true, false}) {
    nn::Conv3d conv(nn::Conv3dOptions(6, 3, 3).padding(1).bias(bias));
    const auto x = torch::randn({2, 6, 5, 4, 7});
    const auto g = torch::randn({2, 3, 5, 4, 7});
    const auto native = run([&](const torch::Tensor& t) { return conv->forward(t); }, x, g, conv->parameters());
    const auto form =
        run([&](const torch::Tensor& t) { return conv3_as_transposed(t, conv->weight, conv->bias); }, x, g, conv->parameters());
    expect_same_map(native, form, bias ? "with bias" : "without bias");
  }
}

ModelOptions plain32() {
  ModelOptions o;
  set_architecture(o, "plain_conv");
  o.ve_size = 32, o.width = 32, o.latent = 16;
  return o;
}

TEST(CpuConvolutions, PlainDecoderAt32TakesTheFormsWhereTheyWereMeasuredFaster) {
  // The plain decoder at 32^3, width 32, one VE: 4^3 -> 8^3 -> 16^3 -> 32^3 (the steps
  // from 4^3 and 8^3 stay LibTorch's), then 32 -> 3 channels.
  torch::manual_seed(5);
  Vae vae(plain32());
  auto& layers = *vae->decoder->named_children()["features"]->as<nn::Sequential>();
  std::vector<ConvForm> forms;
  auto h = torch::randn({1, 64, 4, 4, 4});
  for (auto& layer : layers) {
    forms.push_back(form_for(*layer.ptr(), h));
    h = layer.forward(h);
  }
  using F = ConvForm;
  EXPECT_EQ(forms, (std::vector<F>{F::native, F::native, F::native, F::native, F::parity, F::native, F::transposed}));
  // From 8^3 only with enough voxels in the batch (quick.toml's 16 VEs): 8192.
  EXPECT_EQ(form_for(*layers.ptr(2), torch::zeros({16, 64, 8, 8, 8})), F::parity);
  EXPECT_EQ(form_for(*layers.ptr(2), torch::zeros({15, 64, 8, 8, 8})), F::native);
  // Shapes where the forms were measured slower keep LibTorch's layers: upsampling to three
  // channels or from 256, and a convolution to three channels from 16.
  nn::ConvTranspose3d to3(nn::ConvTranspose3dOptions(16, 3, 4).stride(2).padding(1));
  nn::ConvTranspose3d from256(nn::ConvTranspose3dOptions(256, 128, 4).stride(2).padding(1));
  nn::Conv3d from16(nn::Conv3dOptions(16, 3, 3).padding(1));
  EXPECT_EQ(form_for(*to3, torch::zeros({1, 16, 16, 16, 16})), F::native);
  EXPECT_EQ(form_for(*from256, torch::zeros({1, 256, 8, 8, 8})), F::native);
  EXPECT_EQ(form_for(*from16, torch::zeros({1, 16, 32, 32, 32})), F::native);
  // Anywhere else, LibTorch's modules: off, under autocast, in double precision.
  auto& last_up = *layers.ptr(4);
  const auto at16 = torch::randn({1, 32, 16, 16, 16});
  set_cpu_convolution_forms(false);
  EXPECT_EQ(form_for(last_up, at16), F::native);
  set_cpu_convolution_forms(true);
  EXPECT_EQ(form_for(last_up, at16.to(torch::kDouble)), F::native);
  at::autocast::set_cpu_enabled(true);
  EXPECT_EQ(form_for(last_up, at16), F::native);
  at::autocast::set_cpu_enabled(false);
  EXPECT_EQ(form_for(last_up, at16), F::parity);
}

TEST(CpuConvolutions, PlainVaeTrainsTheSameWithAndWithoutTheForms) {
  // The whole plain VAE at 32^3: reconstruction and the gradient of every parameter agree
  // with LibTorch's own layers to float rounding, so training follows the same path.
  torch::manual_seed(6);
  Vae vae(plain32());
  const auto x = torch::rand({2, 3, 32, 32, 32});
  auto pass = [&](bool forms) {
    set_cpu_convolution_forms(forms);
    vae->zero_grad();
    const auto out = vae->forward(x);
    out.x_hat.sub(x).square().sum().backward();
    std::vector<torch::Tensor> grads;
    // (ln sigma^2's layer gets no gradient with z = mu.)
    for (const auto& p : vae->parameters())
      if (p.grad().defined()) grads.push_back(p.grad().clone());
    set_cpu_convolution_forms(true);
    return std::make_pair(out.x_hat.detach(), grads);
  };
  const auto [native_x, native_g] = pass(false);
  const auto [form_x, form_g] = pass(true);
  EXPECT_LT(relative_difference(native_x, form_x), 1e-5);
  ASSERT_EQ(native_g.size(), form_g.size());
  for (std::size_t i = 0; i < native_g.size(); ++i)
    EXPECT_LT(relative_difference(native_g[i], form_g[i]), 1e-4) << "parameter " << i;
}

}  // namespace
}  // namespace mspipe::ml
