#pragma once
// Two of the decoders' convolutions computed another way on the CPU, because LibTorch's
// own CPU kernels for them are slow (measured with LibTorch 1.13, one thread;
// bench/ml/README.md, `ml_conv_bench`):
//   - ConvTranspose3d with kernel 4, stride 2, padding 1 (the upsampling steps) has no
//     oneDNN path there: it runs as a GEMM and a col2vol scatter. Split by output parity
//     it is eight ordinary kernel-2 convolutions, which oneDNN runs: 2.8x faster for
//     16^3 -> 32^3 at 32 channels, but slower to three channels or from 256.
//   - Conv3d with kernel 3 from many channels to three (the plain decoder's last layer)
//     runs slowly in oneDNN; the same correlation as a transposed convolution with the
//     flipped kernel is 2.0-2.4x faster at 32^3 (32 -> 3 channels).
// Both are the same linear maps as the layers they replace, on the layers' own weights
// (checkpoints are unchanged); the results differ from LibTorch's in float rounding only,
// and autograd differentiates them. They apply to float32 CPU tensors outside autocast,
// at the shapes where they were measured faster (cpu_convolutions.cpp); anywhere else
// (GPU, bf16, other shapes) the layers run as LibTorch's modules.
// Only ml/ sources include this header.
#include <torch/torch.h>

namespace mspipe::ml {

// ConvTranspose3d(k 4, s 2, p 1, groups 1) of x (N, Cin, D, H, W) with weight
// (Cin, Cout, 4, 4, 4) and bias (Cout) or undefined: (N, Cout, 2D, 2H, 2W).
torch::Tensor upsample_by_parity(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// Conv3d(k 3, s 1, p 1, groups 1) of x with weight (Cout, Cin, 3, 3, 3) as a transposed
// convolution.
torch::Tensor conv3_as_transposed(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

enum class ConvForm { native, parity, transposed };
// How `layer` runs on input x: the parity form for a k4 s2 p1 ConvTranspose3d, the
// transposed form for a k3 s1 p1 Conv3d, each only where x is a float32 CPU tensor outside
// autocast, the form was measured faster for the shape, and the forms are on; otherwise
// as LibTorch's module.
ConvForm form_for(torch::nn::Module& layer, const torch::Tensor& x);

// The layers of a Sequential applied in turn, each in its form_for.
torch::Tensor forward_sequential(torch::nn::Sequential& seq, const torch::Tensor& x);
// One Conv3d under the same rule.
torch::Tensor forward_conv(torch::nn::Conv3dImpl& conv, const torch::Tensor& x);

// The forms are on by default (off when the environment has MSPIPE_CPU_CONV_FORMS=off);
// off, every layer runs as LibTorch's module (for side-by-side timings and the
// equivalence tests). Process-wide.
void set_cpu_convolution_forms(bool on);
bool cpu_convolution_forms();

}  // namespace mspipe::ml
