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

struct Surrogate::Impl {
  SurrogateOptions options;
  SurrogateMeta meta;
  torch::Tensor x_mean, x_scale;  // (inputs) float: inputs are standardised (x - mean) / scale
  double y_min = 0, y_max = 1;    // min-max scaling of the curves, Pa
  std::vector<torch::nn::Sequential> members;
};

// The text form describe_options() writes, back to options (model files).
SurrogateOptions parse_options(const std::string& text);

}  // namespace mspipe::ml
