#pragma once
// RAII MPI communicator. Every component receives a Comm explicitly; nothing below the
// driver names MPI_COMM_WORLD.
#include <mpi.h>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace mspipe::core {

template <class T>
MPI_Datatype mpi_type() {
  if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else if constexpr (std::is_same_v<T, int>) return MPI_INT;
  else if constexpr (std::is_same_v<T, long>) return MPI_LONG;
  else if constexpr (std::is_same_v<T, long long>) return MPI_LONG_LONG;
  else if constexpr (std::is_same_v<T, unsigned long>) return MPI_UNSIGNED_LONG;
  else if constexpr (std::is_same_v<T, unsigned long long>) return MPI_UNSIGNED_LONG_LONG;
  else if constexpr (std::is_same_v<T, unsigned>) return MPI_UNSIGNED;
  else if constexpr (std::is_same_v<T, char>) return MPI_CHAR;
  else if constexpr (std::is_same_v<T, signed char>) return MPI_SIGNED_CHAR;
  else if constexpr (std::is_same_v<T, unsigned char>) return MPI_UNSIGNED_CHAR;
  else if constexpr (std::is_same_v<T, std::int8_t>) return MPI_INT8_T;
  else static_assert(sizeof(T) == 0, "no MPI datatype for this type");
}

class Comm {
 public:
  Comm() = default;                        // MPI_COMM_NULL, owns nothing
  explicit Comm(MPI_Comm parent);          // duplicates parent and owns the duplicate
  ~Comm();
  Comm(Comm&& o) noexcept;
  Comm& operator=(Comm&& o) noexcept;
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  Comm dup() const { return Comm(comm_); }
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

  void barrier() const;

  template <class T>
  void bcast(std::span<T> data, int root = 0) const {
    MPI_Bcast(data.data(), static_cast<int>(data.size()), mpi_type<T>(), root, comm_);
  }
  template <class T>
  void bcast(T& value, int root = 0) const {
    bcast(std::span<T>(&value, 1), root);
  }
  void bcast(std::string& s, int root = 0) const;

  template <class T>
  void allreduce_inplace(std::span<T> data, MPI_Op op) const {
    MPI_Allreduce(MPI_IN_PLACE, data.data(), static_cast<int>(data.size()), mpi_type<T>(), op,
                  comm_);
  }
  template <class T>
  T allreduce(T value, MPI_Op op) const {
    allreduce_inplace(std::span<T>(&value, 1), op);
    return value;
  }
  template <class T> T sum(T v) const { return allreduce(v, MPI_SUM); }
  template <class T> T max(T v) const { return allreduce(v, MPI_MAX); }
  template <class T> T min(T v) const { return allreduce(v, MPI_MIN); }
  bool any(bool v) const { return max<int>(v ? 1 : 0) != 0; }
  bool all(bool v) const { return min<int>(v ? 1 : 0) != 0; }

  // Gathers one value from every rank onto every rank.
  template <class T>
  std::vector<T> allgather(T value) const {
    std::vector<T> out(static_cast<std::size_t>(size_));
    MPI_Allgather(&value, 1, mpi_type<T>(), out.data(), 1, mpi_type<T>(), comm_);
    return out;
  }

 private:
  static Comm adopt(MPI_Comm raw);  // owns a fresh communicator without another dup
  void free() noexcept;
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 0;
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
