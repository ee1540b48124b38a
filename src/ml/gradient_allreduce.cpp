#include "ml/gradient_allreduce.hpp"

#include <chrono>

#include "ml/nccl_communicator.hpp"

#if MSPIPE_HAVE_NCCL
#include <c10/cuda/CUDAStream.h>
#endif

namespace mspipe::ml {

GradientAllReduce::GradientAllReduce(const core::Comm& comm, torch::nn::Module& model, int extra,
                                     Method method)
    : comm_(comm.dup()), extra_(extra) {
  params_ = model.parameters();
  all_buffers_ = model.buffers();
  for (const auto& b : all_buffers_)
    if (b.is_floating_point()) stat_buffers_.push_back(b);  // running mean / var, not counters
  for (const auto& p : params_) grad_numel_ += p.numel();
  for (const auto& b : stat_buffers_) stat_numel_ += b.numel();
  const auto device = params_.empty() ? torch::Device(torch::kCPU) : params_.front().device();
  const std::int64_t total = grad_numel_ + stat_numel_ + extra_;
  if (!device.is_cuda() && comm_.size() > 1 && method == Method::shared_memory) {
    shared_ = std::make_unique<core::SharedAllreduce>(comm_, total);
    flat_ = torch::from_blob(shared_->buffer().data(), {total}, torch::kFloat32);  // zeroed, not owned
  } else {
    flat_ = torch::zeros({total}, torch::dtype(torch::kFloat32).device(device));
  }
  host_extra_ = torch::zeros({extra_}, torch::kFloat32);
  std::int64_t off = 0;
  for (auto& p : params_) {
    TORCH_CHECK(p.scalar_type() == torch::kFloat32, "GradientAllReduce expects float32 parameters");
    p.mutable_grad() = flat_.narrow(0, off, p.numel()).view_as(p);
    off += p.numel();
  }
#if MSPIPE_HAVE_NCCL
  if (device.is_cuda()) nccl_ = std::make_shared<NcclCommunicator>(comm_);
#else
  TORCH_CHECK(!device.is_cuda(), "this build has no NCCL: CUDA training needs MSPIPE_HAVE_NCCL");
#endif
}

GradientAllReduce::~GradientAllReduce() {
  // The gradients are views of memory that dies with this object: detach them, so a
  // later backward allocates its own.
  if (shared_)
    for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void GradientAllReduce::broadcast_parameters() {
  if (comm_.size() == 1) return;
  torch::NoGradGuard no_grad;
  auto bcast = [&](torch::Tensor& t) {
    auto host = t.to(torch::kCPU).contiguous();
    comm_.bcast(std::span<std::byte>(static_cast<std::byte*>(host.data_ptr()), host.nbytes()));
    if (!host.is_same(t)) t.copy_(host);
  };
  for (auto& p : params_) bcast(p);
  for (auto& b : all_buffers_) bcast(b);
}

void GradientAllReduce::zero_grad() {
  flat_.narrow(0, 0, grad_numel_).zero_();
}

std::span<float> GradientAllReduce::extra() {
  auto& t = flat_.is_cuda() ? host_extra_ : flat_;
  const std::int64_t off = flat_.is_cuda() ? 0 : grad_numel_ + stat_numel_;
  return {t.data_ptr<float>() + off, static_cast<std::size_t>(extra_)};
}

bool GradientAllReduce::gradients_are_views() const {
  std::int64_t off = 0;
  for (const auto& p : params_) {
    if (!p.grad().defined() || p.grad().data_ptr() != flat_.narrow(0, off, 1).data_ptr()) return false;
    off += p.numel();
  }
  return true;
}

void GradientAllReduce::reduce_flat() {
  const std::int64_t n = flat_.numel(), averaged = grad_numel_ + stat_numel_;
  if (shared_) {
    shared_->sum(averaged, 1.0f / float(comm_.size()));
    return;
  }
#if MSPIPE_HAVE_NCCL
  if (nccl_) {
    nccl_->allreduce_sum(flat_.data_ptr<float>(), static_cast<std::size_t>(n),
                         c10::cuda::getCurrentCUDAStream().stream());
    flat_.narrow(0, 0, averaged).div_(comm_.size());
    return;
  }
#endif
  comm_.allreduce_inplace(std::span<float>(flat_.data_ptr<float>(), static_cast<std::size_t>(n)),
                          core::ReduceOp::sum);
  flat_.narrow(0, 0, averaged).div_(comm_.size());
}

void GradientAllReduce::allreduce() {
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  std::int64_t off = grad_numel_;
  for (const auto& b : stat_buffers_) {
    flat_.narrow(0, off, b.numel()).copy_(b.reshape({-1}));
    off += b.numel();
  }
  if (flat_.is_cuda() && extra_ > 0) flat_.narrow(0, off, extra_).copy_(host_extra_);
  if (comm_.size() > 1) reduce_flat();
  off = grad_numel_;
  for (auto& b : stat_buffers_) {
    b.copy_(flat_.narrow(0, off, b.numel()).view_as(b));
    off += b.numel();
  }
  if (flat_.is_cuda() && extra_ > 0) host_extra_.copy_(flat_.narrow(0, off, extra_));
  last_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace mspipe::ml
