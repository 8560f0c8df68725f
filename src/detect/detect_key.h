#pragma once
// Keys of the detectors' state tables: addresses (and ports, protocol) packed into 64-bit words,
// compared whole and hashed with the flow table's keyed hash. Value-initialised keys have no
// padding bytes to differ in.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/ip_address.h"
#include "flow/flow_key.h"

namespace nta {

template <std::size_t N>
struct WordKey {
  std::array<std::uint64_t, N> w{};
  friend bool operator==(const WordKey& a, const WordKey& b) noexcept {
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i < N; ++i) diff |= a.w[i] ^ b.w[i];
    return diff == 0;
  }
};

struct WordKeyHash {
  template <std::size_t N>
  std::uint64_t operator()(const WordKey<N>& k, std::uint64_t seed) const noexcept {
    return hash_words(k.w.data(), static_cast<int>(N), seed);
  }
};

// Writes the address into two words and returns its family as a number (for the tag word).
inline std::uint64_t put_address(std::uint64_t* w, const IpAddress& a) noexcept {
  std::memcpy(w, a.bytes.data(), 16);
  return static_cast<std::uint64_t>(a.family);
}

// One host.
using HostKey = WordKey<3>;
inline HostKey host_key(const IpAddress& a, std::uint64_t extra = 0) noexcept {
  HostKey k;
  k.w[2] = put_address(k.w.data(), a) | (extra << 8);
  return k;
}

// Two hosts and a tag word (ports, protocol).
using PairKey = WordKey<5>;
inline PairKey pair_key(const IpAddress& a, const IpAddress& b, std::uint64_t extra = 0) noexcept {
  PairKey k;
  const std::uint64_t fa = put_address(k.w.data(), a);
  const std::uint64_t fb = put_address(k.w.data() + 2, b);
  k.w[4] = fa | (fb << 4) | (extra << 8);
  return k;
}

// The hash a sketch uses for a value: fixed salts, so estimates do not change between runs.
inline std::uint64_t sketch_hash(const IpAddress& a) noexcept {
  std::uint64_t w[3];
  w[2] = put_address(w, a);
  return hash_words(w, 3, 0x6e74612d64657463ULL);
}
inline std::uint64_t sketch_hash(std::uint64_t v) noexcept {
  return hash_words(&v, 1, 0x6e74612d706f7274ULL);
}

}  // namespace nta
