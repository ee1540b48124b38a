#pragma once
// bf16 autocast for a training step: convolutions and linear layers in bfloat16, the
// weights, their gradients and the loss in float32. Only ml/ sources include this header.
#include <torch/torch.h>

#include "ml/model.hpp"

namespace mspipe::ml {

// Turns autocast to bfloat16 on for `device` while it lives (when `on`), and off again at
// the end of the scope.
class Bf16Autocast {
 public:
  Bf16Autocast(torch::Device device, bool on);
  ~Bf16Autocast();
  Bf16Autocast(const Bf16Autocast&) = delete;
  Bf16Autocast& operator=(const Bf16Autocast&) = delete;

 private:
  torch::Device device_;
  bool on_;
};

// The model's outputs in float32, for the loss: the logits cast up and the reconstruction
// recomputed from them (a bfloat16 sigmoid keeps 8 bits, and the loss sums over every
// voxel). Unchanged outputs when they are float32 already.
VaeOutput float32_outputs(const VaeOutput& out);

}  // namespace mspipe::ml
