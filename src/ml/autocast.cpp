#include "ml/autocast.hpp"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace mspipe::ml {

namespace {

void set_bf16_autocast(torch::Device device, bool on) {
  // LibTorch 2.4 replaced the per-device setters by ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  const auto type = device.is_cuda() ? at::kCUDA : at::kCPU;
  at::autocast::set_autocast_enabled(type, on);
  at::autocast::set_autocast_dtype(type, at::kBFloat16);
#else
  if (device.is_cuda()) {
    at::autocast::set_enabled(on);
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  } else {
    at::autocast::set_cpu_enabled(on);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  }
#endif
  // The cache holds bfloat16 copies of the weights for the step; they go stale at the
  // optimiser's update.
  if (!on) at::autocast::clear_cache();
}

torch::Tensor float32(const torch::Tensor& t) { return t.defined() ? t.to(torch::kFloat32) : t; }

}  // namespace

Bf16Autocast::Bf16Autocast(torch::Device device, bool on) : device_(device), on_(on) {
  if (on_) set_bf16_autocast(device_, true);
}

Bf16Autocast::~Bf16Autocast() {
  if (on_) set_bf16_autocast(device_, false);
}

VaeOutput float32_outputs(const VaeOutput& out) {
  if (out.logits.scalar_type() == torch::kFloat32) return out;
  VaeOutput f;
  f.logits = float32(out.logits);
  f.representation = out.representation;
  f.x_hat = reconstruction(f.logits, out.representation);
  f.mu = float32(out.mu), f.log_var = float32(out.log_var);
  f.texture = float32(out.texture), f.moments = float32(out.moments);
  return f;
}

}  // namespace mspipe::ml
