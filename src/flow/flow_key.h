#pragma once
// The identity of a flow: VLAN, IP protocol, both addresses and both "ports", held in
// originator -> responder orientation. For ICMP and ICMPv6 the ports are the message type and the
// counterpart type of a request/reply pair (or the code of a one-way message), the mapping Zeek and
// the Community ID specification use, so an echo request and its reply share one flow.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/ip_address.h"

namespace nta {

struct FlowKey {
  IpAddress orig_addr;
  IpAddress resp_addr;
  std::uint16_t orig_port = 0;  // TCP/UDP/SCTP port; ICMP: the message type; other protocols: 0
  std::uint16_t resp_port = 0;  // ICMP: the counterpart type (request/reply) or the code (one-way)
  std::uint16_t vlan = 0;       // outermost 802.1Q/802.1ad VLAN id; 0 when untagged
  std::uint16_t icmp_id = 0;    // ICMP/ICMPv6 echo identifier when echo flows are split by id; else 0
  std::uint8_t ip_proto = 0;

  [[nodiscard]] FlowKey reversed() const noexcept {
    FlowKey k = *this;
    k.orig_addr = resp_addr;
    k.resp_addr = orig_addr;
    k.orig_port = resp_port;
    k.resp_port = orig_port;
    return k;
  }
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};
// The flow table compares ports and VLAN/echo id as 32-bit pairs.
static_assert(offsetof(FlowKey, resp_port) == offsetof(FlowKey, orig_port) + 2);
static_assert(offsetof(FlowKey, icmp_id) == offsetof(FlowKey, vlan) + 2);

// An ICMP/ICMPv6 message mapped to port equivalents: src = the type; dst = the counterpart type for
// request/reply messages (echo, timestamp, information, router and neighbour discovery, address mask,
// MLD, who-are-you, home-agent discovery), otherwise the code with one_way = true.
struct IcmpPorts {
  std::uint16_t src = 0;
  std::uint16_t dst = 0;
  bool one_way = false;
};
[[nodiscard]] IcmpPorts icmp_port_equivalents(std::uint8_t ip_proto, std::uint8_t type,
                                              std::uint8_t code) noexcept;

// True for ICMP echo request/reply (types 8/0) and ICMPv6 echo request/reply (128/129).
[[nodiscard]] bool is_icmp_echo(std::uint8_t ip_proto, std::uint8_t type) noexcept;

// True for the protocols whose Community ID includes ports (TCP, UDP, SCTP, ICMP, ICMPv6).
[[nodiscard]] bool has_port_semantics(std::uint8_t ip_proto) noexcept;

namespace detail {
__extension__ using Uint128 = unsigned __int128;
// 64x64 -> 128-bit multiply folded to 64 bits (the mixing step of wyhash).
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) noexcept {
  const Uint128 r = static_cast<Uint128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}
}  // namespace detail

// A fast keyed hash of 64-bit words (not cryptographic). The flow table seeds it per process; the
// uid derivation uses fixed salts so that uids do not depend on the process.
inline std::uint64_t hash_words(const std::uint64_t* words, int count, std::uint64_t seed) noexcept {
  constexpr std::uint64_t kP0 = 0xa0761d6478bd642fULL;
  constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbULL;
  constexpr std::uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;
  constexpr std::uint64_t kP3 = 0x589965cc75374cc3ULL;
  std::uint64_t h = seed ^ kP0;
  int i = 0;
#pragma GCC unroll 8
  for (; i + 1 < count; i += 2) h = detail::mum(words[i] ^ kP1 ^ h, words[i + 1] ^ kP2);
  if (i < count) h = detail::mum(words[i] ^ kP1 ^ h, kP3 ^ static_cast<std::uint64_t>(count));
  return detail::mum(h ^ kP0, static_cast<std::uint64_t>(count) ^ kP1);
}

// Address equality without a library call (bytes and family).
inline bool same_address(const IpAddress& a, const IpAddress& b) noexcept {
  std::uint64_t x[2];
  std::uint64_t y[2];
  std::memcpy(x, a.bytes.data(), 16);
  std::memcpy(y, b.bytes.data(), 16);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0 && a.family == b.family;
}

}  // namespace nta
