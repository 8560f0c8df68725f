#pragma once
// What the decoder learns about one packet: a flat struct filled as decoding goes, with spans
// that borrow the packet's bytes (valid as long as the RawPacket's buffer). No allocation.
#include <array>
#include <cstdint>
#include <span>

#include "core/raw_packet.h"
#include "core/ip_address.h"
#include "core/timestamp.h"
#include "decode/anomaly.h"

namespace nta {

// The network layer the analysis sees (the innermost one when tunnels are followed).
enum class NetLayer : std::uint8_t { kNone, kIpv4, kIpv6, kArp, kOther };

// Transport protocols with their IANA numbers; anything else keeps its number in ip_proto.
namespace ipproto {
inline constexpr std::uint8_t kHopByHop = 0;
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kIgmp = 2;
inline constexpr std::uint8_t kIpInIp = 4;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
inline constexpr std::uint8_t kIpv6 = 41;
inline constexpr std::uint8_t kRouting = 43;
inline constexpr std::uint8_t kFragment = 44;
inline constexpr std::uint8_t kGre = 47;
inline constexpr std::uint8_t kEsp = 50;
inline constexpr std::uint8_t kAh = 51;
inline constexpr std::uint8_t kIcmpv6 = 58;
inline constexpr std::uint8_t kNoNext = 59;
inline constexpr std::uint8_t kDestOptions = 60;
inline constexpr std::uint8_t kSctp = 132;
}  // namespace ipproto

namespace tcpflag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcpflag

struct TcpInfo {
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t window = 0;     // raw window field (unscaled)
  std::uint8_t flags = 0;       // tcpflag bits
  std::uint8_t header_len = 0;  // bytes, including options
  // Options (present_* says whether the option was seen).
  std::uint16_t mss = 0;
  std::uint8_t window_scale = 0;
  bool has_mss = false;
  bool has_window_scale = false;
  bool sack_permitted = false;
  bool has_sack = false;
  bool has_timestamps = false;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
};

struct IcmpInfo {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t id = 0;   // echo identifier where the message has one
  std::uint16_t seq = 0;  // echo sequence where the message has one
};

enum class TunnelKind : std::uint8_t { kNone, kGre, kVxlan, kIpInIp };

struct PacketView {
  Timestamp ts;
  std::uint32_t wire_len = 0;  // original length on the wire
  std::uint32_t cap_len = 0;   // bytes captured
  LinkType link = LinkType::kEthernet;

  // Layer 2 (the innermost Ethernet header seen).
  std::array<std::uint8_t, 6> src_mac{};
  std::array<std::uint8_t, 6> dst_mac{};
  bool has_mac = false;
  std::uint16_t ethertype = 0;       // the final ethertype, after VLAN tags and MPLS
  std::uint8_t vlan_count = 0;       // tags seen (outermost first in vlan_ids)
  std::array<std::uint16_t, 3> vlan_ids{};
  std::uint8_t mpls_labels = 0;      // labels popped

  // Layer 3.
  NetLayer net = NetLayer::kNone;
  IpAddress src_ip;  // for ARP: sender protocol address
  IpAddress dst_ip;  // for ARP: target protocol address
  std::uint8_t ip_proto = 0;   // IPv4 protocol / IPv6 final next header (0 if not IP)
  std::uint8_t ttl = 0;        // TTL / hop limit
  std::uint16_t ip_len = 0;    // IPv4 total length / 40 + IPv6 payload length, as declared
  std::uint16_t ip_id = 0;     // IPv4 identification (low 16 bits of the IPv6 fragment id)
  bool is_fragment = false;    // part of a fragmented datagram (first or later)
  bool is_first_fragment = false;
  std::uint16_t arp_op = 0;    // ARP opcode (1 request, 2 reply)
  std::array<std::uint8_t, 6> arp_sender_mac{};
  std::array<std::uint8_t, 6> arp_target_mac{};

  // Layer 4. has_ports is true for TCP, UDP and SCTP when the header was read.
  bool has_ports = false;
  bool has_l4 = false;         // the transport header was decoded
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  TcpInfo tcp;
  IcmpInfo icmp;               // ICMP or ICMPv6, by ip_proto
  std::span<const std::uint8_t> l4_payload;  // captured transport payload (may be cut by snaplen)
  std::uint32_t l4_payload_len = 0;          // payload length as the headers declare it

  // Tunnels: the outer packet that carried the one above.
  TunnelKind tunnel = TunnelKind::kNone;
  IpAddress outer_src_ip;
  IpAddress outer_dst_ip;
  std::uint32_t vxlan_vni = 0;

  AnomalySet anomalies;
};

}  // namespace nta
