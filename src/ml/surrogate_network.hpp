#pragma once
// The surrogate's internals shared by training, prediction and the model file. Uses
// LibTorch (private header of ml).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "ml/surrogate.hpp"

namespace mspipe::ml {

// inputs -> hidden... (activation) -> points (sigmoid).
torch::nn::Sequential build_surrogate_network(const SurrogateNetwork& n, std::int64_t inputs,
                                              std::int64_t points);

// One dense layer copied out of LibTorch, weights transposed (inputs x outputs) so the
// forward pass of a single curve is a sequence of contiguous, vectorisable axpy loops.
struct PlainLayer {
  std::int64_t in = 0, out = 0;
  std::vector<float> weight_t, bias;
  bool sigmoid = false;  // else the network's hidden activation
};

struct Surrogate::Impl {
  SurrogateOptions options;
  SurrogateMeta meta;
  torch::Tensor x_mean, x_scale;  // (inputs) float: inputs are standardised (x - mean) / scale
  double y_min = 0, y_max = 1;    // min-max scaling of the curves, Pa
  std::vector<torch::nn::Sequential> members;
  // The same members without LibTorch, which predict() runs: one curve by hand takes
  // 13-15 us at the study's size where LibTorch's per-operator overhead alone is about
  // 70 us, and blocks of rows beat its single-thread matrix product here (Debian's
  // LibTorch: 2.6e4 curves per CPU second).
  std::vector<std::vector<PlainLayer>> plain;
  void make_plain();
};

// The text form describe_options() writes, back to options (model files).
SurrogateOptions parse_options(const std::string& text);

}  // namespace mspipe::ml
