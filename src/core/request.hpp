#pragma once
// What point-to-point and non-blocking operations of a Comm hand back: the Status of a
// received message, a move-only Request for an operation in flight, and a Message matched
// by a probe and not yet received.
#include <mpi.h>

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/mpi_datatype.hpp"

namespace mspipe::core {

// Who sent a received message, with which tag, and how many elements it held.
struct Status {
  int source = -1;
  int tag = -1;
  std::size_t count = 0;
};

// A non-blocking operation in flight (isend, irecv, ibarrier). Its buffer must outlive it.
//
// A Request destroyed while still active is completed, never just freed: MPI_Request_free
// on an active request lets MPI keep reading or writing a buffer that the enclosing scope
// is about to release. A receive is cancelled first, which completes without its sender;
// a send or a barrier is waited for, because MPI cannot cancel a barrier and cancelling
// sends is deprecated. Call wait() or test() to see the outcome; the destructor discards it.
class Request {
 public:
  Request() = default;  // inactive
  ~Request();
  Request(Request&& o) noexcept;
  Request& operator=(Request&& o) noexcept;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  bool active() const { return req_ != MPI_REQUEST_NULL; }
  // Blocks until the operation completes. For a receive, the Status of the message;
  // otherwise (and for an inactive request) an empty Status.
  Status wait();
  // The Status once the operation has completed, std::nullopt while it has not.
  std::optional<Status> test();
  // Waits for every request of `requests`.
  static void wait_all(std::span<Request> requests);

 private:
  friend class Comm;
  enum class Kind { send, receive, collective };
  Request(MPI_Request req, Kind kind, MPI_Datatype type) : req_(req), kind_(kind), type_(type) {}
  Status status_of(const MPI_Status& s) const;
  void complete() noexcept;

  MPI_Request req_ = MPI_REQUEST_NULL;
  Kind kind_ = Kind::collective;
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

// A message matched by Comm::probe / iprobe (MPI_Mprobe): no other receive can take it,
// so its size is known before its buffer is allocated. Receive it once with recv<T>() or
// recv_bytes(). A Message destroyed unreceived is received and dropped, so that it does
// not stay pending inside MPI.
class Message {
 public:
  ~Message();
  Message(Message&& o) noexcept;
  Message& operator=(Message&& o) noexcept;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  int source() const { return status_.MPI_SOURCE; }
  int tag() const { return status_.MPI_TAG; }
  bool received() const { return msg_ == MPI_MESSAGE_NULL; }

  // The number of T the message holds; throws std::length_error if it is not a whole number.
  template <class T>
  std::size_t count() const {
    return elements(mpi_type<T>(), sizeof(T));
  }
  // Receives the message into a vector of exactly its size.
  template <class T>
  std::vector<T> recv() {
    std::vector<T> out(count<T>());
    receive(out.data(), out.size(), mpi_type<T>());
    return out;
  }
  std::vector<std::byte> recv_bytes() { return recv<std::byte>(); }

 private:
  friend class Comm;
  Message(MPI_Message msg, const MPI_Status& status, std::size_t max_count)
      : msg_(msg), status_(status), max_count_(max_count) {}
  std::size_t elements(MPI_Datatype type, std::size_t size) const;
  void receive(void* data, std::size_t n, MPI_Datatype type);
  void drop() noexcept;

  MPI_Message msg_ = MPI_MESSAGE_NULL;
  MPI_Status status_{};
  std::size_t max_count_ = max_mpi_count;
};

}  // namespace mspipe::core
