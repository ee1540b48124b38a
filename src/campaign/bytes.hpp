#pragma once
// Little-endian byte packing for the journal's encodings. The values are copied as they
// lie in memory, so the build refuses big-endian machines instead of writing other bytes.
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace mspipe::campaign::bytes {

static_assert(std::endian::native == std::endian::little, "journal encodings are little-endian");

template <class T>
void put(std::vector<char>& out, const T* values, std::size_t n) {
  const auto* b = reinterpret_cast<const char*>(values);
  out.insert(out.end(), b, b + n * sizeof(T));
}
template <class T>
void put(std::vector<char>& out, const T& value) {
  put(out, &value, 1);
}
// u32 length, then the bytes.
inline void put_text(std::vector<char>& out, const std::string& s) {
  put(out, std::uint32_t(s.size()));
  put(out, s.data(), s.size());
}

// Reads values in order; every get() is false once the bytes run out.
struct Reader {
  std::span<const char> bytes;
  std::size_t at = 0;
  std::size_t left() const { return bytes.size() - at; }
  template <class T>
  bool get(T* values, std::size_t n) {
    if (left() / sizeof(T) < n) return false;
    std::memcpy(values, bytes.data() + at, n * sizeof(T));
    at += n * sizeof(T);
    return true;
  }
  template <class T>
  bool get(T& value) {
    return get(&value, 1);
  }
  bool text(std::string& s) {
    std::uint32_t n = 0;
    if (!get(n) || left() < n) return false;
    s.assign(bytes.data() + at, n);
    at += n;
    return true;
  }
};

}  // namespace mspipe::campaign::bytes
