#pragma once
// An NCCL communicator over the ranks of an MPI communicator: each rank takes the GPU of
// its node-local rank, rank 0's ncclUniqueId is broadcast over MPI, then ncclCommInitRank.
// No CUDA or NCCL types in this header: streams travel as void* (a cudaStream_t).
// Compiled only when MSPIPE_HAVE_NCCL (LibTorch with CUDA and nccl.h found).
#include <cstddef>
#include <memory>

#include "core/comm.hpp"

namespace mspipe::ml {

class NcclCommunicator {
 public:
  explicit NcclCommunicator(const core::Comm& comm);  // collective; keeps no reference
  ~NcclCommunicator();
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int device() const;  // the CUDA device this rank uses
  // In-place sum of `count` floats in device memory, enqueued on `stream`.
  void allreduce_sum(float* data, std::size_t count, void* stream);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The CUDA device for this rank: its rank among the ranks of its node, modulo the number
// of visible devices.
int local_rank(const core::Comm& comm);

}  // namespace mspipe::ml
