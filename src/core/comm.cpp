#include "core/comm.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace mspipe::core {

Comm::Comm(MPI_Comm parent) {
  MPI_Comm_dup(parent, &comm_);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

Comm::~Comm() { free(); }

Comm::Comm(Comm&& o) noexcept
    : comm_(std::exchange(o.comm_, MPI_COMM_NULL)), rank_(o.rank_), size_(o.size_), max_count_(o.max_count_) {}

Comm& Comm::operator=(Comm&& o) noexcept {
  if (this != &o) {
    free();
    comm_ = std::exchange(o.comm_, MPI_COMM_NULL);
    rank_ = o.rank_;
    size_ = o.size_;
    max_count_ = o.max_count_;
  }
  return *this;
}

void Comm::free() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
  comm_ = MPI_COMM_NULL;
}

Comm Comm::dup() const {
  Comm out(comm_);
  out.max_count_ = max_count_;
  return out;
}

Comm Comm::split(int colour, int key) const {
  MPI_Comm raw = MPI_COMM_NULL;
  MPI_Comm_split(comm_, colour < 0 ? MPI_UNDEFINED : colour, key, &raw);
  return adopt(raw);
}

Comm Comm::split_shared() const {
  MPI_Comm raw = MPI_COMM_NULL;
  MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &raw);
  return adopt(raw);
}

Comm Comm::adopt(MPI_Comm raw) {
  Comm out;
  if (raw != MPI_COMM_NULL) {
    out.comm_ = raw;  // already a fresh communicator: own it without another dup
    MPI_Comm_rank(raw, &out.rank_);
    MPI_Comm_size(raw, &out.size_);
  }
  return out;
}

void Comm::set_max_count(std::size_t n) {
  if (n < 1 || n > max_mpi_count)
    throw std::invalid_argument(fmt::format("Comm::set_max_count: {} is outside 1..{}", n, max_mpi_count));
  max_count_ = n;
}

void Comm::barrier() const { MPI_Barrier(comm_); }

Request Comm::ibarrier() const {
  MPI_Request r;
  MPI_Ibarrier(comm_, &r);
  return Request(r, Request::Kind::collective, MPI_DATATYPE_NULL);
}

void Comm::bcast(std::string& s, int root) const {
  unsigned long long n = s.size();
  bcast(n, root);
  s.resize(n);
  if (n > 0) bcast(std::span<char>(s.data(), s.size()), root);
}

namespace {
ValueRank reduce_loc(const Comm& comm, double value, MPI_Op op) {
  ValueRank in{value, comm.rank()}, out{};
  MPI_Allreduce(&in, &out, 1, MPI_DOUBLE_INT, op, comm.get());
  return out;
}
}  // namespace

ValueRank Comm::maxloc(double value) const { return reduce_loc(*this, value, MPI_MAXLOC); }
ValueRank Comm::minloc(double value) const { return reduce_loc(*this, value, MPI_MINLOC); }

std::size_t Comm::layout(std::size_t local, const char* operation, std::vector<int>& counts,
                         std::vector<int>& displs) const {
  // Every rank sees every count, so every rank refuses the same over-large layout.
  const auto all = allgather<unsigned long long>(local);
  counts.assign(all.size(), 0);
  displs.assign(all.size(), 0);
  std::size_t total = 0;
  for (std::size_t r = 0; r < all.size(); ++r) {
    counts[r] = checked_count(all[r], operation, max_count_);
    displs[r] = checked_count(total, operation, max_count_);
    total += all[r];
  }
  checked_count(total, operation, max_count_);
  return total;
}

Message Comm::probe(int source, int tag) const {
  MPI_Message msg;
  MPI_Status s;
  MPI_Mprobe(source, tag, comm_, &msg, &s);
  return Message(msg, s, max_count_);
}

std::optional<Message> Comm::iprobe(int source, int tag) const {
  int found = 0;
  MPI_Message msg;
  MPI_Status s;
  MPI_Improbe(source, tag, comm_, &found, &msg, &s);
  if (!found) return std::nullopt;
  return Message(msg, s, max_count_);
}

std::size_t Comm::received_piece(const MPI_Status& s, MPI_Datatype type, int expected, std::size_t total,
                                 Status& st) const {
  int n = 0;
  MPI_Get_count(&s, type, &n);
  st.source = s.MPI_SOURCE;
  st.tag = s.MPI_TAG;
  if (total > max_count_ && n != expected)
    throw std::length_error(fmt::format("MPI_Recv: a message of over {} elements from rank {} must be received "
                                        "into a buffer of exactly its size ({} elements here)",
                                        max_count_, s.MPI_SOURCE, total));
  return static_cast<std::size_t>(n);
}

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  world_ = Comm(MPI_COMM_WORLD);
}

MpiSession::~MpiSession() {
  world_ = Comm();
  MPI_Finalize();
}

}  // namespace mspipe::core
