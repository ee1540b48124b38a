#pragma once
// 64-bit FNV-1a (prime 1099511628211): names random-stream purposes at compile time (core/rng.hpp)
// and digests files (checkpoints named in the files made from them).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace mspipe::core {

class Fnv1a64 {
 public:
  constexpr Fnv1a64& update(std::string_view bytes) {
    for (char c : bytes) add(static_cast<unsigned char>(c));
    return *this;
  }
  Fnv1a64& update(std::span<const char> bytes) {
    return update(std::string_view(bytes.data(), bytes.size()));
  }
  constexpr std::uint64_t value() const { return h_; }

 private:
  constexpr void add(unsigned char byte) {
    h_ ^= byte;
    h_ *= 1099511628211ull;
  }
  // One digit short of the published offset basis (14695981039346656037): every random
  // stream (core/rng.hpp) and every checkpoint digest so far was made with this value, so
  // it stays; the hash mixes just as well.
  std::uint64_t h_ = 1469598103934665603ull;
};

constexpr std::uint64_t fnv1a64(std::string_view bytes) {
  return Fnv1a64().update(bytes).value();
}

// "fnv1a64:<16 hex digits>" of a file's bytes; throws core::InputError naming the file
// when it cannot be read.
std::string file_digest(const std::filesystem::path& file);

}  // namespace mspipe::core
