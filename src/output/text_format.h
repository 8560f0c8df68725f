#pragma once
// Small allocation-free formatters the row writers share.
#include <array>
#include <cstdint>

#include "core/ip_address.h"

namespace nta {

// Decimal digits of `v`; returns the end.
inline char* format_uint(std::uint64_t v, char* out) noexcept {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *out++ = tmp[--n];
  return out;
}

// "aa:bb:cc:dd:ee:ff"; returns the end.
inline char* format_mac(const std::array<std::uint8_t, 6>& mac, char* out) noexcept {
  constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 6; ++i) {
    *out++ = kHex[mac[i] >> 4];
    *out++ = kHex[mac[i] & 0xF];
    if (i < 5) *out++ = ':';
  }
  return out;
}

}  // namespace nta
