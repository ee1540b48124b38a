#pragma once
// Data-parallel gradient synchronisation: one fused all-reduce per step over the trainers'
// communicator. Every parameter's gradient is a view into one flat buffer, so the
// reduction needs no packing; the tail of the buffer carries the BatchNorm running
// statistics (averaged across ranks) and a few loss sums for logging.
// CPU tensors: by default the buffer lives in a shared-memory window and ranks of a node
// reduce it by reading each other's memory (core::SharedAllreduce; 33x faster than
// MPI_Allreduce at 544 MB on 2 ranks), with MPI between nodes; `Method::mpi` keeps the
// plain MPI_Allreduce. CUDA tensors: NCCL when built with MSPIPE_HAVE_NCCL.
#include <torch/torch.h>

#include <memory>
#include <span>

#include "core/comm.hpp"
#include "core/shared_allreduce.hpp"

namespace mspipe::ml {

class NcclCommunicator;

class GradientAllReduce {
 public:
  enum class Method { shared_memory, mpi };
  // `extra` floats ride along at the end of the buffer (summed, not averaged).
  GradientAllReduce(const core::Comm& comm, torch::nn::Module& model, int extra = 0,
                    Method method = Method::shared_memory);
  ~GradientAllReduce();

  // Copies rank 0's parameters and buffers to every rank.
  void broadcast_parameters();
  void zero_grad();
  // Sums over ranks; gradients and running statistics are then divided by the rank count.
  void allreduce();
  // The extra values: write before allreduce(), read the sums after.
  std::span<float> extra();
  std::int64_t gradient_count() const { return grad_numel_; }
  // The gradients of all parameters, in model->parameters() order.
  torch::Tensor flat_gradients() const { return flat_.narrow(0, 0, grad_numel_); }
  double last_seconds() const { return last_seconds_; }
  // True while every parameter's gradient still lives in the flat buffer.
  bool gradients_are_views() const;

 private:
  void reduce_flat();
  core::Comm comm_;  // a duplicate: this object outlives the constructor call
  std::vector<torch::Tensor> params_, stat_buffers_, all_buffers_;
  torch::Tensor flat_, host_extra_;
  std::int64_t grad_numel_ = 0, stat_numel_ = 0;
  int extra_ = 0;
  double last_seconds_ = 0;
  std::shared_ptr<NcclCommunicator> nccl_;  // shared_ptr: the type is complete only with NCCL
  std::unique_ptr<core::SharedAllreduce> shared_;  // owns flat_'s memory when used
};

}  // namespace mspipe::ml
