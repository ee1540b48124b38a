#pragma once
// RAII MPI communicator, and the only door to MPI outside src/core. Every component
// receives a Comm explicitly; nothing below the driver names MPI_COMM_WORLD.
//
// Ownership: an object that keeps a communicator beyond the call that handed it over owns
// exactly one duplicate (a `Comm` member made with dup(), so its traffic cannot match
// anyone else's); everything else borrows (`const Comm&`, never stored). get() hands the
// raw handle to C libraries that take an MPI_Comm (PETSc, FFTW-MPI, HDF5); code outside
// core calls no MPI_ function itself.
//
// Counts: MPI-3 calls take int counts. bcast, allreduce and send/recv split a larger
// buffer into pieces of max_count() elements; every other operation refuses it with a
// std::length_error that names the operation and the count.
#include <mpi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/mpi_datatype.hpp"
#include "core/request.hpp"

namespace mspipe::core {

enum class ReduceOp { sum, max, min };

// A value and the rank that holds it (MPI_DOUBLE_INT).
struct ValueRank {
  double value;
  int rank;
};

namespace detail {
inline MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum: return MPI_SUM;
    case ReduceOp::max: return MPI_MAX;
    case ReduceOp::min: return MPI_MIN;
  }
  return MPI_OP_NULL;
}
}  // namespace detail

class Comm {
 public:
  static constexpr int any_source = MPI_ANY_SOURCE;
  static constexpr int any_tag = MPI_ANY_TAG;

  Comm() = default;                        // MPI_COMM_NULL, owns nothing
  explicit Comm(MPI_Comm parent);          // duplicates parent and owns the duplicate
  ~Comm();
  Comm(Comm&& o) noexcept;
  Comm& operator=(Comm&& o) noexcept;
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  Comm dup() const;
  // Ranks with the same colour form a new communicator, ordered by key. A negative
  // colour (MPI_UNDEFINED) returns a null Comm.
  Comm split(int colour, int key) const;
  // The ranks of this communicator that share memory with this one (one node).
  Comm split_shared() const;

  MPI_Comm get() const { return comm_; }
  bool is_null() const { return comm_ == MPI_COMM_NULL; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  // The most elements one MPI call carries (INT_MAX). Tests lower it to exercise the
  // pieces without 2^31-element buffers; dup() keeps it.
  std::size_t max_count() const { return max_count_; }
  void set_max_count(std::size_t n);

  // ---- collectives ----------------------------------------------------------------------
  void barrier() const;
  // A barrier to poll with test() (or wait()), so waiting ranks can sleep.
  Request ibarrier() const;

  template <class T>
  void bcast(std::span<T> data, int root = 0) const {
    for_pieces(data.size(), [&](std::size_t off, int n) {
      MPI_Bcast(data.data() + off, n, mpi_type<T>(), root, comm_);
    });
  }
  template <class T>
  void bcast(T& value, int root = 0) const {
    bcast(std::span<T>(&value, 1), root);
  }
  void bcast(std::string& s, int root = 0) const;

  template <class T>
  void allreduce_inplace(std::span<T> data, ReduceOp op) const {
    allreduce_inplace(data, detail::mpi_op(op));
  }
  // Kept for callers not yet moved to ReduceOp; new code outside core uses ReduceOp.
  template <class T>
  void allreduce_inplace(std::span<T> data, MPI_Op op) const {
    for_pieces(data.size(), [&](std::size_t off, int n) {
      MPI_Allreduce(MPI_IN_PLACE, data.data() + off, n, mpi_type<T>(), op, comm_);
    });
  }
  template <class T>
  T allreduce(T value, ReduceOp op) const {
    allreduce_inplace(std::span<T>(&value, 1), op);
    return value;
  }
  template <class T> T sum(T v) const { return allreduce(v, ReduceOp::sum); }
  template <class T> T max(T v) const { return allreduce(v, ReduceOp::max); }
  template <class T> T min(T v) const { return allreduce(v, ReduceOp::min); }
  bool any(bool v) const { return max<int>(v ? 1 : 0) != 0; }
  bool all(bool v) const { return min<int>(v ? 1 : 0) != 0; }
  // The largest (smallest) value over all ranks and the lowest rank that holds it.
  ValueRank maxloc(double value) const;
  ValueRank minloc(double value) const;

  // Gathers one value from every rank onto every rank.
  template <class T>
  std::vector<T> allgather(T value) const {
    std::vector<T> out(static_cast<std::size_t>(size_));
    MPI_Allgather(&value, 1, mpi_type<T>(), out.data(), 1, mpi_type<T>(), comm_);
    return out;
  }
  // Every rank's `local`, concatenated in rank order, on `root` (empty elsewhere).
  template <class T>
  std::vector<T> gatherv(std::span<const T> local, int root = 0) const {
    std::vector<int> counts, displs;
    const std::size_t total = layout(local.size(), "MPI_Gatherv", counts, displs);
    std::vector<T> out(rank_ == root ? total : 0);
    MPI_Gatherv(local.data(), static_cast<int>(local.size()), mpi_type<T>(), out.data(), counts.data(),
                displs.data(), mpi_type<T>(), root, comm_);
    return out;
  }
  // Every rank's `local`, concatenated in rank order, on every rank.
  template <class T>
  std::vector<T> allgatherv(std::span<const T> local) const {
    std::vector<int> counts, displs;
    std::vector<T> out(layout(local.size(), "MPI_Allgatherv", counts, displs));
    MPI_Allgatherv(local.data(), static_cast<int>(local.size()), mpi_type<T>(), out.data(), counts.data(),
                   displs.data(), mpi_type<T>(), comm_);
    return out;
  }

  // ---- point to point ---------------------------------------------------------------------
  // A message over max_count() elements travels as several; receive it into a span of
  // exactly its size.
  template <class T>
  void send(std::span<const T> data, int dest, int tag) const {
    for_pieces(data.size(), [&](std::size_t off, int n) {
      MPI_Send(data.data() + off, n, mpi_type<T>(), dest, tag, comm_);
    });
  }
  template <class T>
  void send(const std::vector<T>& data, int dest, int tag) const {
    send(std::span<const T>(data), dest, tag);
  }
  // Receives into `data` (any_source / any_tag match anything); Status::count says how
  // many elements arrived.
  template <class T>
  Status recv(std::span<T> data, int source, int tag) const {
    Status st;
    st.source = source, st.tag = tag;
    for_pieces(data.size(), [&](std::size_t off, int n) {
      MPI_Status s;
      MPI_Recv(data.data() + off, n, mpi_type<T>(), st.source, st.tag, comm_, &s);
      st.count += received_piece(s, mpi_type<T>(), n, data.size(), st);
    });
    return st;
  }
  template <class T>
  Request isend(std::span<const T> data, int dest, int tag) const {
    MPI_Request r;
    MPI_Isend(data.data(), checked_count(data.size(), "MPI_Isend", max_count_), mpi_type<T>(), dest, tag,
              comm_, &r);
    return Request(r, Request::Kind::send, mpi_type<T>());
  }
  template <class T>
  Request irecv(std::span<T> data, int source, int tag) const {
    MPI_Request r;
    MPI_Irecv(data.data(), checked_count(data.size(), "MPI_Irecv", max_count_), mpi_type<T>(), source, tag,
              comm_, &r);
    return Request(r, Request::Kind::receive, mpi_type<T>());
  }
  // Matches the next message from `source` with `tag` (MPI_Mprobe / MPI_Improbe) so it
  // can be received into a buffer of its size. iprobe returns std::nullopt when none waits.
  Message probe(int source = any_source, int tag = any_tag) const;
  std::optional<Message> iprobe(int source = any_source, int tag = any_tag) const;

 private:
  static Comm adopt(MPI_Comm raw);  // owns a fresh communicator without another dup
  void free() noexcept;
  // Calls fn(offset, count) for consecutive pieces of at most max_count() elements; once
  // (with count 0) for an empty buffer, so that every rank takes part in a collective.
  template <class Fn>
  void for_pieces(std::size_t n, Fn&& fn) const {
    std::size_t off = 0;
    do {
      const std::size_t len = std::min(max_count_, n - off);
      fn(off, static_cast<int>(len));
      off += len;
    } while (off < n);
  }
  // Counts and displacements of a v-collective on every rank; returns the total.
  std::size_t layout(std::size_t local, const char* operation, std::vector<int>& counts,
                     std::vector<int>& displs) const;
  // Checks one piece of a (possibly split) receive, fixes source and tag for the next
  // piece; returns the elements it held.
  std::size_t received_piece(const MPI_Status& s, MPI_Datatype type, int expected, std::size_t total,
                             Status& st) const;

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 0;
  std::size_t max_count_ = max_mpi_count;
};

// MPI_Init_thread / MPI_Finalize for the life of the program. Requests
// MPI_THREAD_FUNNELED: OpenMP threads compute, the main thread communicates.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  const Comm& world() const { return world_; }

 private:
  Comm world_;
};

}  // namespace mspipe::core
