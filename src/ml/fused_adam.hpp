#pragma once
// Adam (PyTorch's algorithm: L2 weight decay added to the gradient, bias-corrected
// moments, optional AMSGrad) over ONE flat parameter buffer and ONE flat gradient buffer,
// in a single OpenMP loop: no per-tensor kernels and no temporaries. LibTorch's Adam
// allocates several parameter-sized temporaries per tensor and step; at 136 M
// parameters that was two thirds of a training step on the CPU.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mspipe::ml {

struct AdamSettings {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  bool amsgrad = false;
  // AdamW (Loshchilov & Hutter): the weights shrink by lr * weight_decay each step and
  // the gradient carries no decay term (PyTorch's AdamW), instead of L2 in the gradient.
  bool decoupled = false;
};

class FusedAdam {
 public:
  // Moves `params` into one contiguous buffer (each parameter becomes a view of it).
  // `flat_grad` holds their gradients in the same order (GradientAllReduce's buffer).
  // Call after any set_() on the parameters (e.g. loading a checkpoint into the module).
  FusedAdam(std::vector<torch::Tensor> params, torch::Tensor flat_grad, const AdamSettings& s);
  void step();
  // The rate of the next steps (a schedule sets it before each step).
  void set_lr(double lr) { s_.lr = lr; }
  std::int64_t steps() const { return step_; }
  void save(torch::serialize::OutputArchive& a) const;
  void load(torch::serialize::InputArchive& a);

 private:
  AdamSettings s_;
  torch::Tensor param_, grad_, m_, v_, vmax_;
  std::int64_t step_ = 0;
};

}  // namespace mspipe::ml
