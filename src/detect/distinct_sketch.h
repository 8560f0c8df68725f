#pragma once
// Counts distinct values in a fixed bitmap (linear counting: Whang et al. 1990). Exact until two
// values share a bit; the estimate m*ln(m/(m-ones)) corrects for that. m bits estimate up to
// about m distinct values within a few per cent and up to 3m roughly; the estimate saturates at
// m*ln(m) (1,420 for 256 bits, 7,100 for 1024).
// Estimates come from a table computed once per size, so a lookup costs no logarithm.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace nta {

template <std::size_t Bits>
class DistinctSketch {
  static_assert(Bits >= 64 && std::has_single_bit(Bits));

 public:
  // Adds a value by its hash; true when the value's bit was new.
  bool add(std::uint64_t hash) noexcept {
    const std::uint64_t bit = hash & (Bits - 1);
    std::uint64_t& word = words_[bit >> 6];
    const std::uint64_t mask = std::uint64_t{1} << (bit & 63);
    if ((word & mask) != 0) return false;
    word |= mask;
    ++ones_;
    return true;
  }
  [[nodiscard]] bool contains(std::uint64_t hash) const noexcept {
    const std::uint64_t bit = hash & (Bits - 1);
    return (words_[bit >> 6] & (std::uint64_t{1} << (bit & 63))) != 0;
  }
  [[nodiscard]] std::uint32_t ones() const noexcept { return ones_; }
  [[nodiscard]] double estimate() const noexcept { return estimate_for(ones_); }
  // The distinct values behind `part` of the set bits (e.g. the bits not also set in another
  // sketch), scaled like the estimate.
  [[nodiscard]] double estimate_part(std::uint32_t part) const noexcept {
    return ones_ == 0 ? 0 : estimate() * static_cast<double>(part) / static_cast<double>(ones_);
  }
  void clear() noexcept {
    words_ = {};
    ones_ = 0;
  }

  static double estimate_for(std::uint32_t ones) noexcept {
    static const std::array<float, Bits + 1> table = [] {
      std::array<float, Bits + 1> t{};
      constexpr double m = static_cast<double>(Bits);
      for (std::size_t i = 0; i <= Bits; ++i) {
        const double z = m - static_cast<double>(i);
        t[i] = static_cast<float>(z < 1 ? m * std::log(m) : m * std::log(m / z));
      }
      return t;
    }();
    return static_cast<double>(table[ones <= Bits ? ones : Bits]);
  }

 private:
  std::array<std::uint64_t, Bits / 64> words_{};
  std::uint32_t ones_ = 0;
};

// Distinct values counted exactly (by 32-bit fingerprints) while there are at most `Exact` of
// them, and estimated with the bitmap beyond: thresholds below `Exact` are met exactly, whatever
// the hash collisions of the bitmap.
template <std::size_t Bits, std::size_t Exact>
class DistinctCounter {
  static_assert(Exact >= 1 && Exact <= 32);

 public:
  // True when the value is new (exactly while counting exactly, else by its bitmap bit).
  bool add(std::uint64_t hash) noexcept {
    const bool new_bit = sketch_.add(hash);
    if (overflow_) return new_bit;
    const auto print = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t i = 0; i < count_; ++i) {
      if (prints_[i] == print) return false;
    }
    if (count_ == Exact) {
      overflow_ = true;
      return true;
    }
    prints_[count_++] = print;
    return true;
  }
  [[nodiscard]] double estimate() const noexcept {
    return overflow_ ? std::max(sketch_.estimate(), static_cast<double>(Exact) + 1) : static_cast<double>(count_);
  }

 private:
  DistinctSketch<Bits> sketch_;
  std::array<std::uint32_t, Exact> prints_{};
  std::uint8_t count_ = 0;
  bool overflow_ = false;
};

// Values probed and values answered, for "distinct values probed and never answered": exact
// while at most `Exact` values were probed, then two bitmaps with the count of bits set in the
// first and not the second kept as they change.
template <std::size_t Bits, std::size_t Exact>
class AnsweredCounter {
  static_assert(Exact >= 1 && Exact <= 32);

 public:
  // A probe of the value; true when the value is new.
  bool probe(std::uint64_t hash) noexcept {
    bool new_bit = probed_.add(hash);
    if (new_bit && !answered_.contains(hash)) ++unanswered_bits_;
    if (overflow_) return new_bit;
    const auto print = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t i = 0; i < count_; ++i) {
      if (prints_[i] == print) return false;
    }
    if (count_ == Exact) {
      overflow_ = true;
      return true;
    }
    prints_[count_++] = print;
    return true;
  }
  void answer(std::uint64_t hash) noexcept {
    if (answered_.add(hash) && probed_.contains(hash)) --unanswered_bits_;
    if (overflow_) return;
    const auto print = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t i = 0; i < count_; ++i) {
      if (prints_[i] == print) answered_mask_ |= std::uint32_t{1} << i;
    }
  }
  [[nodiscard]] double probed() const noexcept {
    return overflow_ ? std::max(probed_.estimate(), static_cast<double>(Exact) + 1) : static_cast<double>(count_);
  }
  [[nodiscard]] double unanswered() const noexcept {
    if (overflow_) return probed_.estimate_part(unanswered_bits_);
    return static_cast<double>(count_ - static_cast<std::size_t>(std::popcount(answered_mask_)));
  }

 private:
  DistinctSketch<Bits> probed_;
  DistinctSketch<Bits> answered_;
  std::uint32_t unanswered_bits_ = 0;
  std::array<std::uint32_t, Exact> prints_{};
  std::uint32_t answered_mask_ = 0;
  std::uint8_t count_ = 0;
  bool overflow_ = false;
};

}  // namespace nta
