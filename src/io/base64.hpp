#pragma once
// Base64 (RFC 4648) as VTK's XML files use it. decode() accepts several padded blocks
// written back to back (VTK encodes a compressed array's header and its data as two
// separate base64 streams) and ignores whitespace.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mspipe::io::base64 {

std::string encode(std::span<const std::uint8_t> bytes);
// nullopt when the text holds a character outside the base64 alphabet or a truncated group.
std::optional<std::vector<std::uint8_t>> decode(std::string_view text);
// Number of base64 characters that encode n bytes (with padding).
inline std::size_t encoded_length(std::size_t n) { return 4 * ((n + 2) / 3); }

}  // namespace mspipe::io::base64
