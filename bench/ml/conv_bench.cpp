// The decoders' convolutions in LibTorch's own kernels and in the CPU forms of
// src/ml/cpu_convolutions.hpp, side by side in one process (alternating repeats, so both
// see the same machine load), forward and backward:
//   ml_conv_bench [REPEATS] [THREADS]
// First each layer shape alone (the form computed whether or not the rule in
// cpu_convolutions.cpp takes it there; "taken" says if it does), then whole plain_conv
// training passes (forward, squared error, backward) at the shapes of inputs/vae/quick.toml
// and inputs/vae/cpu.toml (per rank), where the rule decides. Prints milliseconds (median
// of the repeats) and LibTorch's time over the form's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "ml/cpu_convolutions.hpp"
#include "ml/model.hpp"

using namespace mspipe;
namespace nn = torch::nn;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median milliseconds of `pass` with the forms off and on, alternating.
std::pair<double, double> side_by_side(const std::function<void()>& pass, int repeats) {
  std::vector<double> off, on;
  for (int r = -1; r < repeats; ++r) {  // r = -1: warm-up of both
    for (bool forms : {false, true}) {
      ml::set_cpu_convolution_forms(forms);
      const auto t0 = Clock::now();
      pass();
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (r >= 0) (forms ? on : off).push_back(ms);
    }
  }
  ml::set_cpu_convolution_forms(true);
  return {median(off), median(on)};
}

void report(const std::string& what, std::pair<double, double> t, const char* taken) {
  std::printf("%-48s %9.1f %9.1f %7.2fx  %s\n", what.c_str(), t.first, t.second, t.first / t.second, taken);
  std::fflush(stdout);
}

// One layer, LibTorch's module (forms off) against its form (on), forward and backward.
void layer_case(nn::AnyModule layer, const std::function<torch::Tensor(const torch::Tensor&)>& form,
                std::vector<std::int64_t> shape, const std::string& what, int repeats) {
  const auto x = torch::rand(shape);
  const bool taken = ml::form_for(*layer.ptr(), x) != ml::ConvForm::native;
  report(what, side_by_side(
                   [&] {
                     auto xr = x.clone().requires_grad_(true);
                     (ml::cpu_convolution_forms() ? form(xr) : layer.forward(xr)).sum().backward();
                   },
                   repeats),
         taken ? "yes" : "no");
}

void plain_case(int size, int batch, const std::string& what, int repeats) {
  ml::ModelOptions o;
  ml::set_architecture(o, "plain_conv");
  o.ve_size = size, o.width = 32, o.latent = size == 32 ? 256 : 64;
  ml::Vae vae(o);
  const auto x = torch::rand({batch, 3, size, size, size});
  report(what, side_by_side(
                   [&] {
                     vae->zero_grad();
                     vae->forward(x).x_hat.sub(x).square().sum().backward();
                   },
                   repeats),
         "");
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::stoi(argv[1]) : 5;
  torch::set_num_threads(argc > 2 ? std::stoi(argv[2]) : 1);
  torch::manual_seed(0);
  std::printf("%-48s %9s %9s %8s  %s\n", "forward + backward (ms)", "LibTorch", "form", "ratio", "taken");
  auto up = [&](int in, int out, std::vector<std::int64_t> shape, const std::string& what) {
    nn::ConvTranspose3d t(nn::ConvTranspose3dOptions(in, out, 4).stride(2).padding(1));
    layer_case(nn::AnyModule(t), [t](const torch::Tensor& x) { return ml::upsample_by_parity(x, t->weight, t->bias); },
               shape, what, repeats);
  };
  auto last = [&](int in, std::vector<std::int64_t> shape, const std::string& what) {
    nn::Conv3d c(nn::Conv3dOptions(in, 3, 3).padding(1));
    layer_case(nn::AnyModule(c), [c](const torch::Tensor& x) { return ml::conv3_as_transposed(x, c->weight, c->bias); },
               shape, what, repeats);
  };
  up(32, 32, {4, 32, 16, 16, 16}, "upsample 32->32 from 16^3, batch 4 (cpu.toml)");
  up(64, 32, {4, 64, 8, 8, 8}, "upsample 64->32 from 8^3, batch 4 (cpu.toml)");
  up(32, 32, {16, 32, 8, 8, 8}, "upsample 32->32 from 8^3, batch 16 (quick.toml)");
  up(128, 64, {1, 128, 16, 16, 16}, "upsample 128->64 from 16^3, batch 1 (paper 64^3)");
  up(64, 3, {1, 64, 32, 32, 32}, "upsample 64->3 from 32^3, batch 1 (paper 64^3)");
  up(16, 3, {4, 16, 16, 16, 16}, "upsample 16->3 from 16^3, batch 4 (cpu_resnet18)");
  up(256, 128, {1, 256, 8, 8, 8}, "upsample 256->128 from 8^3, batch 1 (paper 64^3)");
  last(32, {4, 32, 32, 32, 32}, "conv k3 32->3 at 32^3, batch 4 (cpu.toml)");
  last(32, {16, 32, 16, 16, 16}, "conv k3 32->3 at 16^3, batch 16 (quick.toml)");
  last(16, {4, 16, 32, 32, 32}, "conv k3 16->3 at 32^3, batch 4");
  plain_case(16, 16, "plain_conv w32 16^3, batch 16 (quick.toml)", repeats);
  plain_case(32, 4, "plain_conv w32 32^3, batch 4 (cpu.toml, a rank)", repeats);
  return 0;
}
