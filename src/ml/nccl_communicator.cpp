#include "ml/nccl_communicator.hpp"

#if MSPIPE_HAVE_NCCL
#include <cuda_runtime.h>
#include <nccl.h>

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

namespace mspipe::ml {

namespace {
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
void check(ncclResult_t r, const char* what) {
  if (r != ncclSuccess) throw std::runtime_error(std::string(what) + ": " + ncclGetErrorString(r));
}
}  // namespace

struct NcclCommunicator::State {
  ncclComm_t comm = nullptr;
  int device = 0;
};

int local_rank(const core::Comm& comm) { return comm.split_shared().rank(); }

NcclCommunicator::NcclCommunicator(const core::Comm& comm) : s_(std::make_unique<State>()) {
  const int rank = comm.rank(), size = comm.size();
  int devices = 0;
  check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
  if (devices < 1) throw std::runtime_error("NCCL all-reduce: no CUDA device visible");
  s_->device = local_rank(comm) % devices;
  check(cudaSetDevice(s_->device), "cudaSetDevice");
  ncclUniqueId id;
  if (rank == 0) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  comm.bcast(std::span<std::byte>(reinterpret_cast<std::byte*>(&id), sizeof(id)));
  check(ncclCommInitRank(&s_->comm, size, id, rank), "ncclCommInitRank");
}

NcclCommunicator::~NcclCommunicator() {
  if (s_ && s_->comm) ncclCommDestroy(s_->comm);
}

int NcclCommunicator::device() const { return s_->device; }

void NcclCommunicator::allreduce_sum(float* data, std::size_t count, void* stream) {
  check(ncclAllReduce(data, data, count, ncclFloat32, ncclSum, s_->comm, static_cast<cudaStream_t>(stream)),
        "ncclAllReduce");
}

}  // namespace mspipe::ml
#endif  // MSPIPE_HAVE_NCCL
