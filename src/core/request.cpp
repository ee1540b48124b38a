#include "core/request.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace mspipe::core {

int checked_count(std::size_t n, std::string_view operation, std::size_t limit) {
  if (limit > max_mpi_count) limit = max_mpi_count;
  if (n > limit)
    throw std::length_error(
        fmt::format("{}: count {} exceeds the largest count of one MPI call ({})", operation, n, limit));
  return static_cast<int>(n);
}

namespace {
bool finalized() {
  int f = 0;
  MPI_Finalized(&f);
  return f != 0;
}
}  // namespace

// ---- Request ---------------------------------------------------------------------------

Request::~Request() { complete(); }

Request::Request(Request&& o) noexcept
    : req_(std::exchange(o.req_, MPI_REQUEST_NULL)), kind_(o.kind_), type_(o.type_) {}

Request& Request::operator=(Request&& o) noexcept {
  if (this != &o) {
    complete();
    req_ = std::exchange(o.req_, MPI_REQUEST_NULL);
    kind_ = o.kind_;
    type_ = o.type_;
  }
  return *this;
}

void Request::complete() noexcept {
  if (req_ == MPI_REQUEST_NULL || finalized()) return;
  if (kind_ == Kind::receive) MPI_Cancel(&req_);
  MPI_Wait(&req_, MPI_STATUS_IGNORE);
}

Status Request::status_of(const MPI_Status& s) const {
  if (kind_ != Kind::receive) return {};
  int n = 0;
  MPI_Get_count(&s, type_, &n);
  return {s.MPI_SOURCE, s.MPI_TAG, n == MPI_UNDEFINED ? 0 : static_cast<std::size_t>(n)};
}

Status Request::wait() {
  if (req_ == MPI_REQUEST_NULL) return {};
  MPI_Status s;
  MPI_Wait(&req_, &s);
  return status_of(s);
}

std::optional<Status> Request::test() {
  if (req_ == MPI_REQUEST_NULL) return Status{};
  int done = 0;
  MPI_Status s;
  MPI_Test(&req_, &done, &s);
  if (!done) return std::nullopt;
  return status_of(s);
}

void Request::wait_all(std::span<Request> requests) {
  std::vector<MPI_Request> raw;
  raw.reserve(requests.size());
  for (auto& r : requests) raw.push_back(r.req_);
  MPI_Waitall(static_cast<int>(raw.size()), raw.data(), MPI_STATUSES_IGNORE);
  for (auto& r : requests) r.req_ = MPI_REQUEST_NULL;
}

// ---- Message ---------------------------------------------------------------------------

Message::~Message() { drop(); }

Message::Message(Message&& o) noexcept
    : msg_(std::exchange(o.msg_, MPI_MESSAGE_NULL)), status_(o.status_), max_count_(o.max_count_) {}

Message& Message::operator=(Message&& o) noexcept {
  if (this != &o) {
    drop();
    msg_ = std::exchange(o.msg_, MPI_MESSAGE_NULL);
    status_ = o.status_;
    max_count_ = o.max_count_;
  }
  return *this;
}

std::size_t Message::elements(MPI_Datatype type, std::size_t size) const {
  MPI_Count n = 0;
  MPI_Get_elements_x(&status_, type, &n);
  if (n == MPI_UNDEFINED || n < 0) {
    MPI_Count bytes = 0;
    MPI_Get_elements_x(&status_, MPI_BYTE, &bytes);
    throw std::length_error(fmt::format("MPI_Mrecv: a message of {} bytes from rank {} is not a whole number "
                                        "of {}-byte elements", bytes, source(), size));
  }
  return static_cast<std::size_t>(n);
}

void Message::receive(void* data, std::size_t n, MPI_Datatype type) {
  if (msg_ == MPI_MESSAGE_NULL) throw std::logic_error("MPI_Mrecv: the message was already received");
  const int count = checked_count(n, "MPI_Mrecv", max_count_);
  MPI_Mrecv(data, count, type, &msg_, MPI_STATUS_IGNORE);
}

void Message::drop() noexcept {
  if (msg_ == MPI_MESSAGE_NULL || finalized()) return;
  MPI_Count bytes = 0;
  MPI_Get_elements_x(&status_, MPI_BYTE, &bytes);
  std::vector<std::byte> sink(static_cast<std::size_t>(bytes));
  MPI_Mrecv(sink.data(), static_cast<int>(bytes), MPI_BYTE, &msg_, MPI_STATUS_IGNORE);
}

}  // namespace mspipe::core
