#include "core/fnv1a.hpp"

#include <fmt/core.h>

#include <fstream>
#include <vector>

#include "core/errors.hpp"

namespace mspipe::core {

std::string file_digest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(format_error(file.string(), "cannot read"));
  Fnv1a64 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(std::span<const char>(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  return fmt::format("fnv1a64:{:016x}", h.value());
}

}  // namespace mspipe::core
