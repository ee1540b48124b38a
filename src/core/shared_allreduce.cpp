#include "core/shared_allreduce.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace mspipe::core {

namespace {
// Slices start on 64-byte boundaries; the sum runs through a block that stays in L1.
constexpr std::int64_t kAlign = 16, kBlock = 4096;
}  // namespace

SharedAllreduce::SharedAllreduce(const Comm& comm, std::int64_t count, int node_colour)
    : count_(count) {
  node_ = node_colour < 0 ? comm.split_shared() : comm.split(node_colour, comm.rank());
  leaders_ = comm.split(node_.rank() == 0 ? 0 : -1, comm.rank());
  nodes_ = comm.sum(node_.rank() == 0 ? 1 : 0);

  MPI_Info info;
  MPI_Info_create(&info);
  // Each rank's segment on its own pages: first touch below keeps it in the owner's NUMA domain.
  MPI_Info_set(info, "alloc_shared_noncontig", "true");
  void* base = nullptr;
  MPI_Win_allocate_shared(static_cast<MPI_Aint>(std::max<std::int64_t>(count, 1) * sizeof(float)),
                          sizeof(float), info, node_.get(), &base, &win_);
  MPI_Info_free(&info);
  // One passive epoch for the window's life; MPI_Win_sync + barrier order the accesses.
  MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
  std::memset(base, 0, static_cast<std::size_t>(std::max<std::int64_t>(count, 1)) * sizeof(float));
  peer_.resize(static_cast<std::size_t>(node_.size()));
  for (int k = 0; k < node_.size(); ++k) {
    MPI_Aint size = 0;
    int disp = 0;
    void* p = nullptr;
    MPI_Win_shared_query(win_, k, &size, &disp, &p);
    peer_[static_cast<std::size_t>(k)] = static_cast<float*>(p);
  }
  node_barrier();
}

SharedAllreduce::~SharedAllreduce() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (win_ == MPI_WIN_NULL || finalized) return;
  MPI_Win_unlock_all(win_);
  MPI_Win_free(&win_);
}

void SharedAllreduce::node_barrier() {
  MPI_Win_sync(win_);
  node_.barrier();
  MPI_Win_sync(win_);
}

void SharedAllreduce::reduce_slice(std::int64_t scaled, float scale) {
  const std::int64_t n = node_.size(), r = node_.rank();
  auto bound = [&](std::int64_t k) { return std::min(count_, (count_ * k / n + kAlign - 1) / kAlign * kAlign); };
  const std::int64_t lo = bound(r), hi = r + 1 == n ? count_ : bound(r + 1);
  const std::int64_t blocks = (hi - lo + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    std::array<float, kBlock> acc;
    const std::int64_t i0 = lo + b * kBlock, len = std::min(kBlock, hi - i0);
    std::copy_n(peer_[0] + i0, len, acc.data());
    for (std::size_t k = 1; k < peer_.size(); ++k) {
      const float* src = peer_[k] + i0;
      for (std::int64_t j = 0; j < len; ++j) acc[j] += src[j];
    }
    const std::int64_t scaled_end = std::clamp(scaled - i0, std::int64_t(0), len);
    for (std::int64_t j = 0; j < scaled_end; ++j) acc[j] *= scale;
    for (float* dst : peer_) std::copy_n(acc.data(), len, dst + i0);
  }
}

void SharedAllreduce::sum(std::int64_t scaled, float scale) {
  node_barrier();  // every buffer of the node is complete
  reduce_slice(scaled, scale);
  node_barrier();  // every buffer now holds the node's sum
  if (nodes_ == 1) return;
  float* mine = peer_[node_.rank()];
  if (!leaders_.is_null())
    leaders_.allreduce_inplace(std::span<float>(mine, static_cast<std::size_t>(count_)), ReduceOp::sum);
  node_barrier();
  if (leaders_.is_null()) std::copy_n(peer_[0], count_, mine);
  node_barrier();  // the leader's buffer is free to change again
}

}  // namespace mspipe::core
