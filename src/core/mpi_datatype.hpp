#pragma once
// The MPI datatype of a C++ type, and the int count an MPI call takes. MPI-3 counts are
// int: a larger count is either split by the caller (Comm does it for bcast, allreduce
// and send/recv) or refused here, never truncated by a cast.
#include <mpi.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

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
  else if constexpr (std::is_same_v<T, std::byte>) return MPI_BYTE;
  else static_assert(sizeof(T) == 0, "no MPI datatype for this type");
}

// The largest count one MPI-3 call can carry.
inline constexpr std::size_t max_mpi_count = INT_MAX;

// `n` as the int count of `operation`; throws std::length_error naming the operation and
// the count when n exceeds `limit` (itself at most max_mpi_count).
int checked_count(std::size_t n, std::string_view operation, std::size_t limit = max_mpi_count);

}  // namespace mspipe::core
