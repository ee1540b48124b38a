#include "core/atomic_file.hpp"

#include <fstream>

#include "core/errors.hpp"

namespace mspipe::core {

void write_file_atomically(const std::filesystem::path& file, std::string_view text) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(format_error(file.string(), "cannot create the file"));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      throw InputError(format_error(file.string(), "writing failed"));
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError(format_error(file.string(), "cannot rename the temporary file"));
  }
}

}  // namespace mspipe::core
