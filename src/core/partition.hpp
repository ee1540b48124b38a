#pragma once
// The one way mspipe splits n items over ranks (or groups): contiguous blocks in index
// order, balanced, the first n % parts blocks one item larger. Contiguous blocks in rank
// order let collective writes append rows without reordering.
#include <cstdint>
#include <stdexcept>

namespace mspipe::core {

struct Range1D {
  std::int64_t begin = 0;
  std::int64_t end = 0;  // one past the last
  std::int64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool contains(std::int64_t i) const { return begin <= i && i < end; }
  friend bool operator==(const Range1D&, const Range1D&) = default;
};

// Block `index` of `n` items split into `parts` blocks.
constexpr Range1D block_range(std::int64_t n, int parts, int index) {
  if (n < 0 || parts < 1 || index < 0 || index >= parts)
    throw std::invalid_argument("block_range: needs n >= 0 and 0 <= index < parts");
  const std::int64_t q = n / parts, r = n % parts;
  const std::int64_t begin = index * q + (index < r ? index : r);
  return {begin, begin + q + (index < r ? 1 : 0)};
}

// The block of `block_range(n, parts, ·)` that holds item i.
constexpr int block_owner(std::int64_t n, int parts, std::int64_t i) {
  if (n < 0 || parts < 1 || i < 0 || i >= n)
    throw std::invalid_argument("block_owner: needs 0 <= i < n and parts >= 1");
  const std::int64_t q = n / parts, r = n % parts;
  const std::int64_t big = r * (q + 1);  // items in the first r blocks
  return static_cast<int>(i < big ? i / (q + 1) : r + (i - big) / q);
}

}  // namespace mspipe::core
