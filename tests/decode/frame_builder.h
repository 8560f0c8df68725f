#pragma once
// A tiny byte builder for decoder tests: each function returns the bytes of one header (with its
// payload where the header has a length field), and `+` concatenates. Checksums are left zero: the
// decoder does not verify them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/anomaly.h"
#include "decode/decoder.h"
#include "decode/packet_view.h"

namespace nta::test {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;
using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

inline constexpr Mac kMacA{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
inline constexpr Mac kMacB{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
inline constexpr Mac kMacC{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c};
inline constexpr Mac kMacD{0x02, 0x00, 0x00, 0x00, 0x00, 0x0d};
inline constexpr Ip4 kIpA{10, 0, 0, 1};
inline constexpr Ip4 kIpB{192, 168, 1, 20};
inline constexpr Ip4 kIpC{172, 16, 0, 3};
inline constexpr Ip4 kIpD{172, 16, 0, 4};
inline constexpr Ip6 kIp6A{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
inline constexpr Ip6 kIp6B{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};

inline Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline Bytes u8(unsigned v) {
  return {static_cast<std::uint8_t>(v)};
}
inline Bytes be16(unsigned v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
inline Bytes be32(std::uint32_t v) {
  return be16(v >> 16) + be16(v & 0xffff);
}
inline Bytes le32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 24)};
}
template <std::size_t N>
Bytes bytes(const std::array<std::uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}
inline Bytes zeros(std::size_t n) {
  return Bytes(n, 0);
}
inline Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

inline IpAddress ip(const Ip4& a) {
  return IpAddress::v4(a.data());
}
inline IpAddress ip(const Ip6& a) {
  return IpAddress::v6(a.data());
}

// ---- Link layers ----------------------------------------------------------------------------

inline Bytes eth(std::uint16_t type, const Mac& dst = kMacB, const Mac& src = kMacA) {
  return bytes(dst) + bytes(src) + be16(type);
}
// One 802.1Q/802.1ad tag body (after its TPID): TCI (priority 0) + the next ethertype.
inline Bytes vlan_tag(std::uint16_t vid, std::uint16_t next) {
  return be16(vid) + be16(next);
}
inline Bytes mpls(std::uint32_t label, bool bottom, std::uint8_t ttl = 64) {
  return be32((label << 12) | (bottom ? 0x100u : 0u) | ttl);
}
// Linux cooked v1: packet type, ARPHRD_ETHER, address length 6, address (8 bytes), protocol.
inline Bytes sll(std::uint16_t proto) {
  return be16(0) + be16(1) + be16(6) + bytes(kMacA) + zeros(2) + be16(proto);
}
// Linux cooked v2: protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address.
inline Bytes sll2(std::uint16_t proto) {
  return be16(proto) + be16(0) + be32(2) + be16(1) + u8(0) + u8(6) + bytes(kMacA) + zeros(2);
}

// ---- Network layers ---------------------------------------------------------------------------

struct Ipv4Fields {
  Bytes options{};         // padded by the caller to a multiple of 4
  std::uint16_t frag = 0;  // flags (DF 0x4000, MF 0x2000) | offset in 8-byte units
  std::uint16_t id = 0x1234;
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  int total_len = -1;  // -1: computed
  int ihl_words = -1;  // -1: computed
  std::uint8_t version = 4;
};

inline Bytes ipv4(std::uint8_t proto, const Ip4& src, const Ip4& dst, const Bytes& payload,
                  const Ipv4Fields& f = {}) {
  const std::size_t hlen = 20 + f.options.size();
  const unsigned ihl =
      f.ihl_words >= 0 ? static_cast<unsigned>(f.ihl_words) : static_cast<unsigned>(hlen / 4);
  const unsigned total =
      f.total_len >= 0 ? static_cast<unsigned>(f.total_len) : static_cast<unsigned>(hlen + payload.size());
  return u8((f.version << 4) | (ihl & 0xf)) + u8(f.tos) + be16(total) + be16(f.id) + be16(f.frag) +
         u8(f.ttl) + u8(proto) + be16(0) + bytes(src) + bytes(dst) + f.options + payload;
}

inline Bytes ipv6(std::uint8_t next, const Ip6& src, const Ip6& dst, const Bytes& payload,
                  int payload_len = -1, std::uint8_t hop_limit = 64, std::uint8_t version = 6) {
  const unsigned plen =
      payload_len >= 0 ? static_cast<unsigned>(payload_len) : static_cast<unsigned>(payload.size());
  // Traffic class 0xb8 (DSCP EF), flow label 0x12345.
  return be32((std::uint32_t{version} << 28) | (0xb8u << 20) | 0x12345u) + be16(plen) + u8(next) +
         u8(hop_limit) + bytes(src) + bytes(dst) + payload;
}

// Hop-by-hop / routing / destination options: next header, length in 8-byte units - 1, body
// (PadN-filled to `units` * 8 bytes in all).
inline Bytes ipv6_opts(std::uint8_t next, unsigned units = 1) {
  Bytes body = u8(1) + u8(units * 8 - 4) + zeros(units * 8 - 4);  // one PadN option
  return u8(next) + u8(units - 1) + body;
}
inline Bytes ipv6_routing(std::uint8_t next) {
  // Type 0 routing header with one address: 8 + 16 bytes (length 2 units).
  return u8(next) + u8(2) + u8(0) + u8(1) + zeros(4) + bytes(kIp6B);
}
inline Bytes ipv6_frag(std::uint8_t next, unsigned offset_units, bool more, std::uint32_t id) {
  return u8(next) + u8(0) + be16((offset_units << 3) | (more ? 1u : 0u)) + be32(id);
}
// AH with a 12-byte ICV: 12 + 12 = 24 bytes, payload length field (24 / 4) - 2 = 4.
inline Bytes ipv6_ah(std::uint8_t next) {
  return u8(next) + u8(4) + be16(0) + be32(0x1000) + be32(7) + zeros(12);
}

inline Bytes arp(std::uint16_t op, const Mac& sha, const Ip4& spa, const Mac& tha, const Ip4& tpa) {
  return be16(1) + be16(0x0800) + u8(6) + u8(4) + be16(op) + bytes(sha) + bytes(spa) + bytes(tha) +
         bytes(tpa);
}

// ---- Transport layers ------------------------------------------------------------------------

struct TcpFields {
  std::uint32_t seq = 1000;
  std::uint32_t ack = 0;
  std::uint16_t window = 65535;
  Bytes options{};             // padded by the caller to a multiple of 4
  int data_offset_words = -1;  // -1: computed
};

inline Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags, const Bytes& payload = {},
                 const TcpFields& f = {}) {
  const std::size_t hlen = 20 + f.options.size();
  const unsigned doff =
      f.data_offset_words >= 0 ? static_cast<unsigned>(f.data_offset_words) : static_cast<unsigned>(hlen / 4);
  return be16(sport) + be16(dport) + be32(f.seq) + be32(f.ack) + u8(doff << 4) + u8(flags) + be16(f.window) +
         be16(0) + be16(0) + f.options + payload;
}

inline Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload, int length = -1) {
  const unsigned len =
      length >= 0 ? static_cast<unsigned>(length) : static_cast<unsigned>(8 + payload.size());
  return be16(sport) + be16(dport) + be16(len) + be16(0) + payload;
}

inline Bytes sctp(std::uint16_t sport, std::uint16_t dport, const Bytes& chunks) {
  return be16(sport) + be16(dport) + be32(0xdeadbeef) + be32(0) + chunks;
}

inline Bytes icmp(std::uint8_t type, std::uint8_t code, std::uint16_t id, std::uint16_t seq,
                  const Bytes& payload = {}) {
  return u8(type) + u8(code) + be16(0) + be16(id) + be16(seq) + payload;
}

// GRE: checksum / key / sequence present as given.
struct GreFields {
  bool checksum = false;
  std::uint32_t key = 0;
  bool has_key = false;
  std::uint32_t seq = 0;
  bool has_seq = false;
  std::uint16_t extra_flags = 0;  // e.g. a version number or the routing bit
};
inline Bytes gre(std::uint16_t proto, const Bytes& payload, const GreFields& f = {}) {
  unsigned flags = f.extra_flags;
  if (f.checksum) flags |= 0x8000;
  if (f.has_key) flags |= 0x2000;
  if (f.has_seq) flags |= 0x1000;
  Bytes b = be16(flags) + be16(proto);
  if (f.checksum) b = b + be32(0);
  if (f.has_key) b = b + be32(f.key);
  if (f.has_seq) b = b + be32(f.seq);
  return b + payload;
}

inline Bytes vxlan(std::uint32_t vni, std::uint8_t flags = 0x08) {
  return u8(flags) + zeros(3) + be32(vni << 8);
}

// The TCP options of a typical SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7
// (20 bytes).
inline Bytes syn_options(std::uint32_t ts_val = 0x01020304, std::uint32_t ts_ecr = 0) {
  return u8(2) + u8(4) + be16(1460) + u8(4) + u8(2) + u8(8) + u8(10) + be32(ts_val) + be32(ts_ecr) + u8(1) +
         u8(3) + u8(3) + u8(7);
}

// ---- Decoding --------------------------------------------------------------------------------

// The decoded view together with an exact-size heap copy of the captured bytes (so that a read past
// them is an AddressSanitizer error, and the view's spans stay valid).
struct Decoded {
  std::unique_ptr<std::uint8_t[]> bytes;
  std::size_t size = 0;
  PacketView view;
  const PacketView* operator->() const { return &view; }
  const PacketView& operator*() const { return view; }
};

// Decodes the first `captured` bytes of `frame` (all by default); the wire length is frame.size().
inline Decoded decode_bytes(const Bytes& frame, LinkType link = LinkType::kEthernet,
                            std::size_t captured = static_cast<std::size_t>(-1)) {
  Decoded d;
  d.size = captured < frame.size() ? captured : frame.size();
  d.bytes.reset(new std::uint8_t[d.size]);
  if (d.size > 0) std::memcpy(d.bytes.get(), frame.data(), d.size);
  RawPacket pkt;
  pkt.ts = Timestamp{1'700'000'000'000'000'000};
  pkt.wire_len = static_cast<std::uint32_t>(frame.size());
  pkt.link = link;
  pkt.data = std::span<const std::uint8_t>(d.bytes.get(), d.size);
  decode(pkt, d.view);
  return d;
}

// The anomalies as their names, in enum order (readable in test failures).
inline std::vector<std::string> anomaly_names(const AnomalySet& s) {
  std::vector<std::string> names;
  for (int i = 0; i < kAnomalyCount; ++i) {
    const auto a = static_cast<Anomaly>(i);
    if (s.has(a)) names.emplace_back(anomaly_name(a));
  }
  return names;
}
using Names = std::vector<std::string>;

inline Bytes payload_of(const PacketView& v) {
  return Bytes(v.l4_payload.begin(), v.l4_payload.end());
}

}  // namespace nta::test
