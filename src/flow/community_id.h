#pragma once
// Community ID v1 (https://github.com/corelight/community-id-spec): a flow hash other tools (Zeek,
// Suricata, Elastic, Wireshark) compute the same way, so records can be joined across them.
//   "1:" + base64(SHA1(seed (2 bytes, big endian) | saddr | daddr | proto | 0 | sport | dport))
// with the endpoints ordered so that both directions give one value (the smaller address first;
// equal addresses: the smaller port first), except one-way ICMP messages, which keep their order.
// ICMP/ICMPv6 types and codes become ports as flow_key.h describes. Protocols without ports
// (everything but TCP, UDP, SCTP, ICMP, ICMPv6) hash no port bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/sha1.h"
#include "flow/flow_key.h"

namespace nta {

struct CommunityIdOptions {
  std::uint16_t seed = 0;  // the spec's seed; 0 is the default every tool uses
  bool base64 = true;      // false: the SHA-1 digest as 40 lower-case hex digits
};

// A tuple ready to hash: ports already mapped for ICMP (see community_id_tuple below).
struct CommunityIdTuple {
  IpAddress saddr;
  IpAddress daddr;
  std::uint8_t proto = 0;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  bool has_ports = false;
  bool one_way = false;  // ICMP message without a counterpart: the endpoints are not reordered
};

// Longest text: "1:" + 40 hex digits (base64 needs 2 + 28).
inline constexpr std::size_t kCommunityIdMaxText = 42;

// Builds the tuple of one packet as the spec does: for ICMP/ICMPv6, sport_or_type is the message type
// and dport_or_code the code, mapped to port equivalents; for TCP, UDP and SCTP they are the ports;
// for other protocols they are ignored.
[[nodiscard]] CommunityIdTuple community_id_tuple(std::uint8_t proto, const IpAddress& saddr,
                                                  const IpAddress& daddr, std::uint16_t sport_or_type,
                                                  std::uint16_t dport_or_code) noexcept;

// The tuple of a flow (its key holds ICMP ports already mapped). `one_way` is the flow's ICMP
// one-way flag (FlowRecord::icmp_one_way()).
[[nodiscard]] CommunityIdTuple community_id_tuple(const FlowKey& key, bool one_way) noexcept;

[[nodiscard]] Sha1::Digest community_id_digest(const CommunityIdTuple& t, std::uint16_t seed) noexcept;

// Writes the text (not NUL-terminated) and returns its length (30 with base64, 42 without).
std::size_t write_community_id(const CommunityIdTuple& t, const CommunityIdOptions& options,
                               std::array<char, kCommunityIdMaxText>& out) noexcept;

[[nodiscard]] std::string community_id(const CommunityIdTuple& t, const CommunityIdOptions& options = {});

}  // namespace nta
