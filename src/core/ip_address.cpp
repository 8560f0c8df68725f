#include "core/ip_address.h"

#include <arpa/inet.h>

namespace nta {
namespace {

char* format_dotted_quad(const std::uint8_t* b, char* p) noexcept {
  for (int i = 0; i < 4; ++i) {
    unsigned v = b[i];
    if (v >= 100) {
      *p++ = static_cast<char>('0' + v / 100);
      v %= 100;
      *p++ = static_cast<char>('0' + v / 10);
      *p++ = static_cast<char>('0' + v % 10);
    } else if (v >= 10) {
      *p++ = static_cast<char>('0' + v / 10);
      *p++ = static_cast<char>('0' + v % 10);
    } else {
      *p++ = static_cast<char>('0' + v);
    }
    if (i < 3) *p++ = '.';
  }
  return p;
}

// RFC 5952 text without printf: lowercase hex, no leading zeros, the longest run of two or more
// zero groups (the first of equals) as "::". Like glibc's inet_ntop, IPv4-mapped (::ffff:a.b.c.d)
// and IPv4-compatible (::a.b.c.d) addresses end in a dotted quad.
char* format_ipv6(const std::uint8_t* b, char* p) noexcept {
  std::uint16_t words[8];
  for (int i = 0; i < 8; ++i) {
    words[i] = static_cast<std::uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  }
  int best_base = -1;
  int best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best_base = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_base = -1;
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (best_base >= 0 && i >= best_base && i < best_base + best_len) {
      if (i == best_base) *p++ = ':';
      continue;
    }
    if (i != 0) *p++ = ':';
    if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      return format_dotted_quad(b + 12, p);
    }
    const unsigned w = words[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned nibble = (w >> shift) & 0xF;
      if (nibble != 0 || started || shift == 0) {
        *p++ = kHex[nibble];
        started = true;
      }
    }
  }
  if (best_base >= 0 && best_base + best_len == 8) *p++ = ':';
  return p;
}

}  // namespace

char* format_ip(const IpAddress& a, char* out) noexcept {
  if (a.family == IpFamily::kV4) return format_dotted_quad(a.bytes.data(), out);
  if (a.family == IpFamily::kV6) return format_ipv6(a.bytes.data(), out);
  return out;
}

std::string to_string(const IpAddress& a) {
  char buf[kMaxIpText + 1];
  char* end = format_ip(a, buf);
  return {buf, end};
}

bool parse_ip(const char* text, IpAddress& out) noexcept {
  IpAddress a;
  if (inet_pton(AF_INET, text, a.bytes.data()) == 1) {
    a.family = IpFamily::kV4;
    out = a;
    return true;
  }
  if (inet_pton(AF_INET6, text, a.bytes.data()) == 1) {
    a.family = IpFamily::kV6;
    out = a;
    return true;
  }
  return false;
}

std::uint64_t hash_ip(const IpAddress& a, std::uint64_t seed) noexcept {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(&hi, a.bytes.data() + 8, 8);
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(a.family) * 0x9E3779B97F4A7C15ULL);
  auto mix = [](std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
  };
  h = mix(h ^ lo);
  h = mix(h ^ hi);
  return h;
}

}  // namespace nta
