#pragma once
// The forest's random numbers: SplitMix64, small and fast, seeded per tree from (seed, tree index)
// so that a tree's randomness does not depend on which thread grows it.
#include <cstdint>

namespace nta {

[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

__extension__ using Uint128 = unsigned __int128;

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}

  // One stream per (seed, index): the index is mixed in before the seed so nearby seeds and nearby
  // indices give unrelated streams.
  [[nodiscard]] static constexpr SplitMix64 for_stream(std::uint64_t seed, std::uint64_t index) noexcept {
    return SplitMix64(mix64(seed ^ mix64(index + 0x632BE59BD9B4E019ULL)));
  }

  constexpr std::uint64_t next() noexcept {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_);
  }

  // Uniform in [0, 1), 53 random bits.
  double uniform01() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

  // Uniform in [0, n), n >= 1, without modulo bias (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) noexcept {
    Uint128 m = static_cast<Uint128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64U);
  }

 private:
  std::uint64_t state_;
};

}  // namespace nta
