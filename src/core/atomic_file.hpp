#pragma once
// Whole-file writes that never leave a half-written file under the final name: the text
// goes to <file>.tmp, which is renamed over <file> only when complete.
#include <filesystem>
#include <string_view>

namespace mspipe::core {

// Throws InputError naming `file` when it cannot be written; the temporary is removed.
void write_file_atomically(const std::filesystem::path& file, std::string_view text);

}  // namespace mspipe::core
