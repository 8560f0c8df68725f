#pragma once
// What the decoder learns about one packet: a flat struct filled as decoding goes, with spans
// that borrow the packet's bytes (valid as long as the RawPacket's buffer). No allocation.
#include <array>
#include <cstdint>
#include <span>

#include "core/ip_address.h"
#include "core/raw_packet.h"
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

// Ethertypes the decoder follows or names (IEEE registry values).
namespace ethertype {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kVlan = 0x8100;      // 802.1Q C-tag
inline constexpr std::uint16_t kQinQ = 0x88a8;      // 802.1ad S-tag
inline constexpr std::uint16_t kQinQ9100 = 0x9100;  // pre-standard S-tag
inline constexpr std::uint16_t kQinQ9200 = 0x9200;  // pre-standard S-tag
inline constexpr std::uint16_t kIpv6 = 0x86dd;
inline constexpr std::uint16_t kMplsUnicast = 0x8847;
inline constexpr std::uint16_t kMplsMulticast = 0x8848;
inline constexpr std::uint16_t kTransparentEthernet = 0x6558;  // GRE payload: an Ethernet frame
inline constexpr std::uint16_t kMinEthertype = 0x0600;         // below: an 802.3 length field (LLC frame)
}  // namespace ethertype

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
  // The final ethertype, after VLAN tags and MPLS. 0 for 802.3 length (LLC) frames. Links without
  // an ethertype (raw IP, BSD loopback, MPLS payloads, IP in tunnels) get the one of the network
  // layer they carry, so every IPv4/IPv6 packet has ethertype 0x0800 / 0x86dd.
  std::uint16_t ethertype = 0;
  std::uint8_t vlan_count = 0;  // tags kept in vlan_ids, outermost first (at most 3; more:
                                // Anomaly::kVlanTooDeep)
  std::array<std::uint16_t, 3> vlan_ids{};
  std::uint8_t mpls_labels = 0;  // labels popped

  // Layer 3.
  NetLayer net = NetLayer::kNone;
  IpAddress src_ip;            // for ARP: sender protocol address
  IpAddress dst_ip;            // for ARP: target protocol address
  std::uint8_t ip_proto = 0;   // IPv4 protocol / IPv6 final next header (0 if not IP)
  std::uint8_t ttl = 0;        // TTL / hop limit
  std::uint8_t tos = 0;        // IPv4 TOS / IPv6 traffic class (DSCP << 2 | ECN)
  bool dont_fragment = false;  // IPv4 DF bit
  std::uint16_t ip_len = 0;    // IPv4 total length / 40 + IPv6 payload length, as declared
                               // (saturates at 65535; a jumbogram's payload length 0 gives 40)
  std::uint16_t ip_id = 0;     // IPv4 identification (low 16 bits of the IPv6 fragment id)
  bool is_fragment = false;    // part of a fragmented datagram (first or later)
  bool is_first_fragment = false;
  std::uint16_t arp_op = 0;  // ARP opcode (1 request, 2 reply)
  std::array<std::uint8_t, 6> arp_sender_mac{};
  std::array<std::uint8_t, 6> arp_target_mac{};

  // Layer 4. has_ports is true for TCP, UDP and SCTP when the ports were read.
  bool has_ports = false;
  bool has_l4 = false;  // a TCP, UDP, SCTP, ICMP or ICMPv6 header was decoded in full
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  TcpInfo tcp;
  IcmpInfo icmp;  // ICMP or ICMPv6, by ip_proto
  // The captured bytes after the transport header (may be cut by the snapshot length; for a
  // protocol nta does not decode, the IP payload), and their length as the headers declare it.
  std::span<const std::uint8_t> l4_payload;
  std::uint32_t l4_payload_len = 0;

  // Tunnels: the outer packet that carried the one above. With nested tunnels, `tunnel` and
  // outer_* describe the outermost one and tunnel_depth counts the tunnel layers followed.
  TunnelKind tunnel = TunnelKind::kNone;
  std::uint8_t tunnel_depth = 0;
  IpAddress outer_src_ip;
  IpAddress outer_dst_ip;
  std::uint32_t vxlan_vni = 0;  // VNI of the innermost VXLAN header followed

  AnomalySet anomalies;
};

}  // namespace nta
