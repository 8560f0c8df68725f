#pragma once
// A list of IPv4/IPv6 prefixes ("10.0.0.0/8, fc00::/7"): which addresses count as inside the site.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace nta {

struct IpPrefix {
  IpAddress address;  // host bits cleared
  std::uint8_t length = 0;
};

class NetworkSet {
 public:
  // Parses "a/len, b/len, ..." (an address without /len is a host); false with `error` set when
  // an entry is not a prefix.
  static bool parse(std::string_view text, NetworkSet& out, std::string& error);
  // RFC 1918, IPv4 link-local 169.254/16, IPv6 unique-local fc00::/7 and link-local fe80::/10.
  static NetworkSet private_defaults();

  [[nodiscard]] bool contains(const IpAddress& a) const noexcept;
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] const std::vector<IpPrefix>& prefixes() const noexcept { return prefixes_; }

 private:
  struct V4 {
    std::uint32_t mask;
    std::uint32_t value;
  };
  std::vector<IpPrefix> prefixes_;
  std::vector<V4> v4_;  // the IPv4 prefixes as masks, for the per-flow test
};

// Multicast and broadcast destinations, with no single host behind them: 224.0.0.0/4,
// 255.255.255.255 and ff00::/8. (Subnet broadcasts are not recognised: the mask is unknown.)
[[nodiscard]] bool is_group_address(const IpAddress& a) noexcept;

}  // namespace nta
