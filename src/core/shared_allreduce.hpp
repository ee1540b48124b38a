#pragma once
// In-place sum of one large float buffer per rank across a communicator (data-parallel
// gradients: hundreds of megabytes every step).
//
// Ranks of one node keep their buffers in an MPI-3 shared-memory window, so a node's sum
// is formed by reading the peers' memory directly: node rank r sums slice r over all the
// node's buffers and writes the result into every one of them. Each float is then read
// and written once per rank, where MPI's shared-memory transport copies it through bounce
// buffers several times. With several nodes, the node leaders all-reduce the node sums
// over MPI and the other ranks of each node copy their leader's result.
//
// Every slice is summed exactly once, so all ranks end with bit-identical buffers.
#include <mpi.h>

#include <cstdint>
#include <span>
#include <vector>

#include "core/comm.hpp"

namespace mspipe::core {

class SharedAllreduce {
 public:
  // Collective over `comm`; the buffer starts zeroed. With `node_colour` < 0 the nodes are
  // the shared-memory domains; otherwise ranks of equal colour form a "node" (used to
  // emulate several nodes on one machine; the colour groups must share memory).
  SharedAllreduce(const Comm& comm, std::int64_t count, int node_colour = -1);
  ~SharedAllreduce();  // collective over the node
  SharedAllreduce(const SharedAllreduce&) = delete;
  SharedAllreduce& operator=(const SharedAllreduce&) = delete;

  std::span<float> buffer() { return {peer_[node_.rank()], static_cast<std::size_t>(count_)}; }
  // buffer := the sum over all ranks' buffers; then its first `scaled` elements are
  // multiplied by `scale` (gradients averaged, counters summed, in the same pass).
  void sum(std::int64_t scaled, float scale);
  int nodes() const { return nodes_; }

 private:
  void node_barrier();
  void reduce_slice(std::int64_t scaled, float scale);
  Comm node_, leaders_;
  MPI_Win win_ = MPI_WIN_NULL;
  std::vector<float*> peer_;  // every node rank's buffer, mapped into this process
  std::int64_t count_ = 0;
  int nodes_ = 1;
};

}  // namespace mspipe::core
