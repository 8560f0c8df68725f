#include "core/ip_address.h"

#include <arpa/inet.h>

namespace nta {

char* format_ip(const IpAddress& a, char* out) noexcept {
  if (a.family == IpFamily::kV4) {
    char* p = out;
    for (int i = 0; i < 4; ++i) {
      unsigned v = a.bytes[static_cast<std::size_t>(i)];
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
  if (a.family == IpFamily::kV6) {
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf) == nullptr) return out;
    const std::size_t n = std::strlen(buf);
    std::memcpy(out, buf, n);
    return out + n;
  }
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
