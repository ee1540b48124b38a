#include "ml/fused_adam.hpp"

#include <cmath>

namespace mspipe::ml {

FusedAdam::FusedAdam(std::vector<torch::Tensor> params, torch::Tensor flat_grad, const AdamSettings& s)
    : s_(s), grad_(std::move(flat_grad)) {
  std::int64_t n = 0;
  for (const auto& p : params) n += p.numel();
  TORCH_CHECK(grad_.numel() >= n && grad_.is_contiguous(), "FusedAdam: gradient buffer too small");
  grad_ = grad_.narrow(0, 0, n);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(grad_.device());
  param_ = torch::empty({n}, opts);
  torch::NoGradGuard no_grad;
  std::int64_t off = 0;
  for (auto& p : params) {
    auto slot = param_.narrow(0, off, p.numel());
    slot.copy_(p.reshape({-1}));
    const auto view = slot.view(p.sizes());
    p.set_(view.storage(), view.storage_offset(), view.sizes(), view.strides());
    off += p.numel();
  }
  m_ = torch::zeros({n}, opts);
  v_ = torch::zeros({n}, opts);
  if (s_.amsgrad) vmax_ = torch::zeros({n}, opts);
}

void FusedAdam::step() {
  torch::NoGradGuard no_grad;
  ++step_;
  const double bc1 = 1 - std::pow(s_.beta1, static_cast<double>(step_));
  const double bc2 = 1 - std::pow(s_.beta2, static_cast<double>(step_));
  const float step_size = static_cast<float>(s_.lr / bc1), inv_sqrt_bc2 = static_cast<float>(1 / std::sqrt(bc2));
  const float b1 = static_cast<float>(s_.beta1), b2 = static_cast<float>(s_.beta2);
  const float eps = static_cast<float>(s_.eps);
  // L2 decay enters the gradient; decoupled decay scales the weights before the update.
  const float wd = s_.decoupled ? 0.0f : static_cast<float>(s_.weight_decay);
  const float shrink = s_.decoupled ? static_cast<float>(1 - s_.lr * s_.weight_decay) : 1.0f;
  if (!param_.is_cpu()) {  // a few whole-buffer kernels on a GPU
    if (shrink != 1.0f) param_.mul_(shrink);
    auto g = wd != 0 ? grad_ + wd * param_ : grad_;
    m_.mul_(b1).add_(g, 1 - b1);
    v_.mul_(b2).addcmul_(g, g, 1 - b2);
    const auto& second = s_.amsgrad ? torch::maximum_out(vmax_, vmax_, v_) : v_;
    param_.addcdiv_(m_, (second.sqrt() * inv_sqrt_bc2).add_(eps), -step_size);
    return;
  }
  float* p = param_.data_ptr<float>();
  const float* g = grad_.data_ptr<float>();
  float* m = m_.data_ptr<float>();
  float* v = v_.data_ptr<float>();
  float* vmax = s_.amsgrad ? vmax_.data_ptr<float>() : nullptr;
  const std::int64_t n = param_.numel();
#pragma omp parallel for schedule(static) num_threads(at::get_num_threads())
  for (std::int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + wd * p[i];
    const float mi = b1 * m[i] + (1 - b1) * gi;
    const float vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float second = vi;
    if (vmax) second = vmax[i] = std::max(vmax[i], vi);
    p[i] = shrink * p[i] - step_size * mi / (std::sqrt(second) * inv_sqrt_bc2 + eps);
  }
}

void FusedAdam::save(torch::serialize::OutputArchive& a) const {
  a.write("step", torch::tensor(step_, torch::kInt64));
  a.write("exp_avg", m_);
  a.write("exp_avg_sq", v_);
  if (s_.amsgrad) a.write("max_exp_avg_sq", vmax_);
}

void FusedAdam::load(torch::serialize::InputArchive& a) {
  torch::Tensor step, m, v;
  a.read("step", step);
  a.read("exp_avg", m);
  a.read("exp_avg_sq", v);
  TORCH_CHECK(m.numel() == m_.numel(), "optimizer state of another model");
  torch::NoGradGuard no_grad;
  step_ = step.item<std::int64_t>();
  m_.copy_(m);
  v_.copy_(v);
  if (s_.amsgrad) {
    torch::Tensor vmax;
    a.read("max_exp_avg_sq", vmax);
    vmax_.copy_(vmax);
  }
}

}  // namespace mspipe::ml
