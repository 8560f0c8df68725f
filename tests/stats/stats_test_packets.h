#pragma once
// Hand-built PacketViews for the statistics tests.
#include <cstdint>

#include "decode/packet_view.h"

namespace nta::test {

inline constexpr std::int64_t kSecond = 1'000'000'000;
// 2024-02-19 14:30:00 UTC: a realistic epoch for bucket starts.
inline constexpr std::int64_t kEpoch = 1'708'353'000LL * kSecond;

inline PacketView ip_packet(const char* src, const char* dst, std::uint8_t proto, std::uint32_t len,
                            std::int64_t ns = kEpoch) {
  PacketView v;
  v.ts = Timestamp{ns};
  v.wire_len = len;
  v.cap_len = len;
  parse_ip(src, v.src_ip);
  parse_ip(dst, v.dst_ip);
  v.net = v.src_ip.family == IpFamily::kV6 ? NetLayer::kIpv6 : NetLayer::kIpv4;
  v.ethertype = v.net == NetLayer::kIpv6 ? ethertype::kIpv6 : ethertype::kIpv4;
  v.ip_proto = proto;
  return v;
}

inline PacketView tcp_packet(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                             std::uint8_t flags, std::uint32_t len = 60, std::int64_t ns = kEpoch) {
  PacketView v = ip_packet(src, dst, ipproto::kTcp, len, ns);
  v.has_ports = true;
  v.has_l4 = true;
  v.src_port = sport;
  v.dst_port = dport;
  v.tcp.flags = flags;
  return v;
}

inline PacketView udp_packet(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                             std::uint32_t len = 80, std::int64_t ns = kEpoch) {
  PacketView v = ip_packet(src, dst, ipproto::kUdp, len, ns);
  v.has_ports = true;
  v.has_l4 = true;
  v.src_port = sport;
  v.dst_port = dport;
  return v;
}

}  // namespace nta::test
