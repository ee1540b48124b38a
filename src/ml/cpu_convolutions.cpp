#include "ml/cpu_convolutions.hpp"

#include <ATen/autocast_mode.h>

#include <atomic>
#include <cstdlib>
#include <string_view>

namespace mspipe::ml {

namespace nn = torch::nn;
using torch::indexing::Slice;

namespace {

// MSPIPE_CPU_CONV_FORMS=off starts a process with them off: the same run in LibTorch's
// own kernels, for side-by-side timings of whole programs.
bool forms_from_environment() {
  const char* v = std::getenv("MSPIPE_CPU_CONV_FORMS");
  return v == nullptr || std::string_view(v) != "off";
}

std::atomic<bool> forms_on{forms_from_environment()};

bool all_equal(const torch::ExpandingArray<3>& a, std::int64_t v) {
  return a->at(0) == v && a->at(1) == v && a->at(2) == v;
}

// Padding given as numbers (not "same" or "valid"), all equal to v.
bool padding_is(const torch::nn::detail::ConvNdOptions<3>::padding_t& p, std::int64_t v) {
  const auto* a = c10::get_if<torch::ExpandingArray<3>>(&p);
  return a && all_equal(*a, v);
}

bool applies_to(const torch::Tensor& x) {
  return forms_on.load(std::memory_order_relaxed) && x.is_cpu() && x.scalar_type() == torch::kFloat &&
         !at::autocast::is_cpu_enabled();
}

// Where the forms were measured faster (bench/ml/README.md, one thread): upsampling to 16
// or more channels from at most 128, from 16^3 or more (1.4-2.8x), or from 8^3 with 8192
// or more input voxels in the batch (1.5-1.9x; with 2048, 0.9-1.0x: eight calls' overhead
// on little work). From 4^3 (0.4x), to three channels (0.3-0.7x) and from 256 channels
// (0.3x) it was slower.
// A kernel-3 convolution from 32 or more channels to at most 4 (1.9-3.9x); from 16 or 3
// channels LibTorch's own was as fast or faster.
constexpr std::int64_t kParityFromSize = 16;
constexpr std::int64_t kParityBatchFromSize = 8;
constexpr std::int64_t kParityBatchVoxels = 8192;
constexpr std::int64_t kParityFromOutChannels = 16;
constexpr std::int64_t kParityUpToInChannels = 128;
constexpr std::int64_t kTransposedFromChannels = 32;
constexpr std::int64_t kTransposedUpToChannels = 4;

bool parity_form_fits(const nn::ConvTranspose3dImpl& t, const torch::Tensor& x) {
  const auto& o = t.options;
  return all_equal(o.kernel_size(), 4) && all_equal(o.stride(), 2) && padding_is(o.padding(), 1) &&
         all_equal(o.output_padding(), 0) && all_equal(o.dilation(), 1) && o.groups() == 1 &&
         c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()) && o.out_channels() >= kParityFromOutChannels &&
         o.in_channels() <= kParityUpToInChannels && x.dim() == 5 &&
         (x.size(2) >= kParityFromSize ||
          (x.size(2) >= kParityBatchFromSize && x.numel() / x.size(1) >= kParityBatchVoxels));
}

bool transposed_form_fits(const nn::Conv3dImpl& c) {
  const auto& o = c.options;
  return all_equal(o.kernel_size(), 3) && all_equal(o.stride(), 1) && padding_is(o.padding(), 1) &&
         all_equal(o.dilation(), 1) && o.groups() == 1 && c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()) &&
         o.in_channels() >= kTransposedFromChannels && o.out_channels() <= kTransposedUpToChannels;
}

}  // namespace

torch::Tensor upsample_by_parity(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  // Along one axis, output 2m + a of a k4 s2 p1 transposed convolution takes input m - 1
  // and m through taps 3 and 1 (a = 0), or inputs m and m + 1 through taps 2 and 0
  // (a = 1): a kernel-2 correlation over the input padded by one voxel, starting at
  // offset a. Reordering the taps to {3, 1, 2, 0} puts parity a's pair at [2a, 2a + 2).
  const auto n = x.size(0), c_in = weight.size(0), c_out = weight.size(1);
  const auto d = x.size(2), h = x.size(3), w = x.size(4);
  const auto taps = torch::tensor({3, 1, 2, 0}, torch::TensorOptions().dtype(torch::kLong).device(weight.device()));
  const auto k = weight.index_select(2, taps).index_select(3, taps).index_select(4, taps)
                     .view({c_in, c_out, 2, 2, 2, 2, 2, 2});
  const auto padded = torch::constant_pad_nd(x, {1, 1, 1, 1, 1, 1});
  std::vector<torch::Tensor> parts;
  parts.reserve(8);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 2; ++c) {
        // (Cin, Cout, 2, 2, 2) -> conv3d's (Cout, Cin, 2, 2, 2).
        const auto kernel = k.index({Slice(), Slice(), a, Slice(), b, Slice(), c, Slice()}).transpose(0, 1);
        const auto window = padded.index({Slice(), Slice(), Slice(a, a + d + 1), Slice(b, b + h + 1), Slice(c, c + w + 1)});
        parts.push_back(torch::conv3d(window, kernel, bias));
      }
  // (N, Cout, a, b, c, D, H, W) -> (N, Cout, D, a, H, b, W, c): voxel (2i + a, 2j + b, 2l + c).
  return torch::stack(parts, 2)
      .view({n, c_out, 2, 2, 2, d, h, w})
      .permute({0, 1, 5, 2, 6, 3, 7, 4})
      .reshape({n, c_out, 2 * d, 2 * h, 2 * w});
}

torch::Tensor conv3_as_transposed(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  // A correlation with kernel K is the transposed convolution with K mirrored in space and
  // its channel axes swapped (Cout, Cin -> Cin, Cout); padding 1 keeps the size.
  return torch::conv_transpose3d(x, weight.flip({2, 3, 4}).transpose(0, 1), bias, 1, 1);
}

ConvForm form_for(nn::Module& layer, const torch::Tensor& x) {
  if (!applies_to(x)) return ConvForm::native;
  if (auto* t = layer.as<nn::ConvTranspose3d>(); t && parity_form_fits(*t, x)) return ConvForm::parity;
  if (auto* c = layer.as<nn::Conv3d>(); c && transposed_form_fits(*c)) return ConvForm::transposed;
  return ConvForm::native;
}

namespace {

// `layer` (a ConvTranspose3d for the parity form, a Conv3d for the transposed one) in form f.
torch::Tensor run_in_form(ConvForm f, nn::Module& layer, const torch::Tensor& x) {
  if (f == ConvForm::parity) {
    const auto& t = *layer.as<nn::ConvTranspose3d>();
    return upsample_by_parity(x, t.weight, t.bias);
  }
  const auto& c = *layer.as<nn::Conv3d>();
  return conv3_as_transposed(x, c.weight, c.bias);
}

}  // namespace

torch::Tensor forward_conv(nn::Conv3dImpl& conv, const torch::Tensor& x) {
  const auto f = form_for(conv, x);
  return f == ConvForm::native ? conv.forward(x) : run_in_form(f, conv, x);
}

torch::Tensor forward_sequential(nn::Sequential& seq, const torch::Tensor& x) {
  auto h = x;
  for (auto& layer : *seq) {
    const auto f = form_for(*layer.ptr(), h);
    h = f == ConvForm::native ? layer.forward(h) : run_in_form(f, *layer.ptr(), h);
  }
  return h;
}

void set_cpu_convolution_forms(bool on) { forms_on.store(on, std::memory_order_relaxed); }
bool cpu_convolution_forms() { return forms_on.load(std::memory_order_relaxed); }

}  // namespace mspipe::ml
