#include "core/comm.hpp"

#include <utility>

namespace mspipe::core {

Comm::Comm(MPI_Comm parent) {
  MPI_Comm_dup(parent, &comm_);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

Comm::~Comm() { free(); }

Comm::Comm(Comm&& o) noexcept
    : comm_(std::exchange(o.comm_, MPI_COMM_NULL)), rank_(o.rank_), size_(o.size_) {}

Comm& Comm::operator=(Comm&& o) noexcept {
  if (this != &o) {
    free();
    comm_ = std::exchange(o.comm_, MPI_COMM_NULL);
    rank_ = o.rank_;
    size_ = o.size_;
  }
  return *this;
}

void Comm::free() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
  comm_ = MPI_COMM_NULL;
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

void Comm::barrier() const { MPI_Barrier(comm_); }

void Comm::bcast(std::string& s, int root) const {
  unsigned long long n = s.size();
  bcast(n, root);
  s.resize(n);
  if (n > 0) bcast(std::span<char>(s.data(), s.size()), root);
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
