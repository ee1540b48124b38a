#include "io/base64.hpp"

#include <array>

namespace mspipe::io::base64 {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> make_table() {
  std::array<int, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  return t;
}
constexpr auto kTable = make_table();

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
}  // namespace

std::string encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(encoded_length(bytes.size()));
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = bytes[i] << 16;
    if (rest == 2) v |= bytes[i + 1] << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  std::array<int, 4> group{};
  int n = 0, pad = 0;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      if (n < 2) return std::nullopt;
      group[n++] = 0;
      ++pad;
    } else {
      const int v = kTable[static_cast<unsigned char>(c)];
      if (v < 0 || pad > 0) return std::nullopt;  // data after padding inside a group
      group[n++] = v;
    }
    if (n == 4) {
      const std::uint32_t v = (group[0] << 18) | (group[1] << 12) | (group[2] << 6) | group[3];
      out.push_back(static_cast<std::uint8_t>(v >> 16));
      if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
      if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
      n = 0;
      pad = 0;  // a padded group may be followed by the next stream
    }
  }
  if (n != 0) return std::nullopt;
  return out;
}

}  // namespace mspipe::io::base64
