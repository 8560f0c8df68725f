#pragma once
// An IPv4 or IPv6 address held by value in 17 bytes: flat, hashable, comparable.
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace nta {

enum class IpFamily : std::uint8_t { kNone = 0, kV4 = 4, kV6 = 6 };

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes; the rest stay zero
  IpFamily family = IpFamily::kNone;

  static IpAddress v4(const std::uint8_t* p) noexcept {
    IpAddress a;
    std::memcpy(a.bytes.data(), p, 4);
    a.family = IpFamily::kV4;
    return a;
  }
  static IpAddress v6(const std::uint8_t* p) noexcept {
    IpAddress a;
    std::memcpy(a.bytes.data(), p, 16);
    a.family = IpFamily::kV6;
    return a;
  }
  [[nodiscard]] bool empty() const noexcept { return family == IpFamily::kNone; }
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

// Longest text format_ip writes (an IPv6 address with an embedded IPv4 tail), without NUL.
inline constexpr int kMaxIpText = 45;

// Writes the canonical text (dotted quad; RFC 5952 for IPv6) and returns the end. Writes nothing
// for an empty address.
char* format_ip(const IpAddress& a, char* out) noexcept;
std::string to_string(const IpAddress& a);

// Parses dotted-quad or IPv6 text; returns false if it is neither.
bool parse_ip(const char* text, IpAddress& out) noexcept;

// A fast non-cryptographic hash of the address (for flat hash tables).
[[nodiscard]] std::uint64_t hash_ip(const IpAddress& a, std::uint64_t seed = 0) noexcept;

}  // namespace nta
