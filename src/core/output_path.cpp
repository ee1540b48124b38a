#include "core/output_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "core/comm.hpp"
#include "core/errors.hpp"

namespace mspipe::core {

namespace {

[[noreturn]] void refuse(const OutputPath& out, const std::string& why) {
  const std::string what = out.origin + ": cannot write '" + out.path.string() + "': " + why;
  if (!out.where.empty()) throw ConfigError(format_error(out.where, what));
  throw InputError(format_error(out.path.string(), what));
}

// Creating and removing a file is the only test that tells the truth on every file
// system (access() ignores read-only mounts, quotas and ACLs on some).
void probe_writable(const OutputPath& out, const std::filesystem::path& dir) {
  const auto probe = dir / (".mspipe-write-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) refuse(out, std::string("cannot create files in '") + dir.string() + "': " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace

void prepare_output(const OutputPath& out) {
  namespace fs = std::filesystem;
  if (out.path.empty()) refuse(out, "the path is empty");
  const bool folder = out.kind == OutputPath::Kind::folder;
  std::error_code ec;
  if (!folder && fs::is_directory(out.path, ec)) refuse(out, "it is a folder, a file name is needed");
  fs::path dir = folder ? out.path : out.path.parent_path();
  if (dir.empty()) dir = ".";
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) refuse(out, "'" + dir.string() + "' is not a folder");
  fs::create_directories(dir, ec);
  if (ec) refuse(out, "cannot create the folder '" + dir.string() + "': " + ec.message());
  probe_writable(out, dir);
}

void prepare_outputs(const Comm& comm, const std::vector<OutputPath>& outputs) {
  std::optional<std::string> error;
  int code = 0;
  if (comm.is_root()) {
    try {
      for (const auto& o : outputs) prepare_output(o);
    } catch (const CollectiveError& e) {
      error = e.what();
      code = e.exit_code();
    }
  }
  code = comm.max(code);
  raise_if_any(comm, error, static_cast<ExitCode>(code));
}

}  // namespace mspipe::core
