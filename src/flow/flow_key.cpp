#include "flow/flow_key.h"

#include <span>

#include "decode/packet_view.h"

namespace nta {

namespace {

struct TypePair {
  std::uint8_t type;
  std::uint8_t counterpart;
};

// Request/reply pairs (Zeek's ICMP4_counterpart / ICMP6_counterpart, the Community ID spec's tables).
constexpr TypePair kIcmp4Pairs[] = {
    {8, 0},   {0, 8},    // echo request, echo reply
    {13, 14}, {14, 13},  // timestamp
    {15, 16}, {16, 15},  // information
    {10, 9},  {9, 10},   // router solicitation, advertisement
    {17, 18}, {18, 17},  // address mask
};
constexpr TypePair kIcmp6Pairs[] = {
    {128, 129}, {129, 128},  // echo request, echo reply
    {130, 131}, {131, 130},  // multicast listener query, report
    {133, 134}, {134, 133},  // router solicitation, advertisement
    {135, 136}, {136, 135},  // neighbour solicitation, advertisement
    {139, 140}, {140, 139},  // who-are-you request, reply
    {144, 145}, {145, 144},  // home agent address discovery request, reply
};

}  // namespace

IcmpPorts icmp_port_equivalents(std::uint8_t ip_proto, std::uint8_t type, std::uint8_t code) noexcept {
  std::span<const TypePair> pairs;
  if (ip_proto == ipproto::kIcmp) pairs = kIcmp4Pairs;
  if (ip_proto == ipproto::kIcmpv6) pairs = kIcmp6Pairs;
  for (const TypePair& p : pairs) {
    if (p.type == type) return IcmpPorts{type, p.counterpart, false};
  }
  return IcmpPorts{type, code, true};
}

bool is_icmp_echo(std::uint8_t ip_proto, std::uint8_t type) noexcept {
  if (ip_proto == ipproto::kIcmp) return type == 0 || type == 8;
  if (ip_proto == ipproto::kIcmpv6) return type == 128 || type == 129;
  return false;
}

bool has_port_semantics(std::uint8_t ip_proto) noexcept {
  return ip_proto == ipproto::kTcp || ip_proto == ipproto::kUdp || ip_proto == ipproto::kSctp ||
         ip_proto == ipproto::kIcmp || ip_proto == ipproto::kIcmpv6;
}

}  // namespace nta
