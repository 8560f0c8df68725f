#pragma once
// The generator's own pseudo-random numbers: xoshiro256** seeded through splitmix64, with the
// distributions written out here. std::uniform_*_distribution and friends are avoided on purpose:
// their output differs between standard libraries, and a seed must give the same capture anywhere.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace nta {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit type.
__extension__ using Uint128 = unsigned __int128;

// splitmix64: a good 64-bit mixer, used to expand one seed into many independent states.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) noexcept {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  constexpr std::uint64_t next() noexcept {
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

  std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(next() >> 32); }
  std::uint16_t next_u16() noexcept { return static_cast<std::uint16_t>(next() >> 48); }

  // Uniform in [0, bound): Lemire's multiply-and-reject, exact and portable. bound 0 gives 0.
  std::uint64_t below(std::uint64_t bound) noexcept {
    if (bound == 0) return 0;
    Uint128 m = static_cast<Uint128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<Uint128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Uniform integer in [lo, hi] (inclusive).
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    if (hi <= lo) return lo;
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // Uniform double in [0, 1) with 53 random bits.
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * unit(); }

  bool chance(double p) noexcept { return unit() < p; }

  // Exponential with the given mean (inter-arrival times of a Poisson process).
  double exponential(double mean) noexcept { return -mean * std::log1p(-unit()); }

  // Log-normal around a median: heavy-tailed object sizes and think times.
  double lognormal(double median, double sigma) noexcept { return median * std::exp(sigma * normal()); }

  // Standard normal by Box-Muller (one of the pair is dropped: simpler, and speed is no issue).
  double normal() noexcept {
    const double u1 = 1.0 - unit();  // (0, 1]: log stays finite
    const double u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // An index drawn with the given (non-negative, not all zero) weights.
  std::size_t weighted(std::span<const double> weights) noexcept {
    double total = 0;
    for (double w : weights) total += w;
    double x = unit() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

  void fill(std::span<std::uint8_t> out) noexcept {
    std::size_t i = 0;
    while (i + 8 <= out.size()) {
      std::uint64_t v = next();
      for (int b = 0; b < 8; ++b) out[i++] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    if (i < out.size()) {
      std::uint64_t v = next();
      while (i < out.size()) {
        out[i++] = static_cast<std::uint8_t>(v);
        v >>= 8;
      }
    }
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4]{};
};

}  // namespace nta
