#include "core/errors.hpp"

#include <chrono>
#include <iostream>
#include <thread>

#include "core/comm.hpp"

namespace mspipe::core {

std::string format_error(std::string_view where, std::string_view what) {
  std::string out;
  out.reserve(where.size() + what.size() + 10);
  out.append(where).append(": error: ").append(what);
  return out;
}

void throw_collective(std::string message, ExitCode code) {
  if (code == ExitCode::config) throw ConfigError(std::move(message));
  if (code == ExitCode::input) throw InputError(std::move(message));
  throw CollectiveError(std::move(message), code);
}

std::optional<std::string> first_error(const Comm& comm, const std::optional<std::string>& local_error,
                                       ExitCode* code) {
  const int mine = local_error ? comm.rank() : comm.size();
  const int first = comm.min(mine);
  if (first == comm.size()) return std::nullopt;
  std::string message = local_error ? *local_error : std::string();
  comm.bcast(message, first);
  if (code) {
    int c = static_cast<int>(*code);
    comm.bcast(c, first);
    *code = static_cast<ExitCode>(c);
  }
  return message;
}

void raise_if_any(const Comm& comm, const std::optional<std::string>& local_error,
                  ExitCode code) {
  if (auto message = first_error(comm, local_error, &code)) throw_collective(std::move(*message), code);
}

bool is_root_rank(const Comm& comm) { return comm.is_root(); }

void abort_job(const Comm& comm, std::string_view role, std::string_view message) {
  std::cerr << "[rank " << comm.rank() << ' ' << role << "] " << message << std::endl;
  // mpirun forwards a rank's stderr asynchronously and MPI_Abort tears the job down at
  // once; under load the message was occasionally lost. A moment lets it through.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  MPI_Abort(comm.is_null() ? MPI_COMM_WORLD : comm.get(), static_cast<int>(ExitCode::aborted));
  std::abort();  // MPI_Abort should not return
}

}  // namespace mspipe::core
