#pragma once
// Deterministic random streams keyed by (campaign seed, id, purpose): VE 4711 draws the
// same numbers whatever the rank count or the order in which ranks reach it.
// The key is mixed with SplitMix64 into the state of a xoshiro256** generator, which
// satisfies std::uniform_random_bit_generator.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "core/fnv1a.hpp"

namespace mspipe::core {

// Purposes are named ("grain_sizes", "orientations") and hashed at compile time.
constexpr std::uint64_t hash_purpose(std::string_view s) { return fnv1a64(s); }

constexpr std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  using result_type = std::uint64_t;
  Rng(std::uint64_t seed, std::uint64_t id, std::string_view purpose)
      : Rng(seed, id, hash_purpose(purpose)) {}
  Rng(std::uint64_t seed, std::uint64_t id, std::uint64_t purpose) {
    std::uint64_t x = seed;
    std::uint64_t a = splitmix64(x) ^ id;
    std::uint64_t y = a;
    std::uint64_t b = splitmix64(y) ^ purpose;
    std::uint64_t z = b;
    for (auto& s : s_) s = splitmix64(z);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box–Muller; written out so that results do not depend on the
  // standard library's distribution implementation.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1;
    do u1 = uniform(); while (u1 <= 0.0);
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2.0 * M_PI * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * M_PI * u2);
  }
  // Uniform integer in [0, n) without modulo bias (Lemire).
  std::uint64_t below(std::uint64_t n) {
    __uint128_t m = static_cast<__uint128_t>((*this)()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t t = -n % n;
      while (low < t) {
        m = static_cast<__uint128_t>((*this)()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace mspipe::core
