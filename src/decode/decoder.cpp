// The packet decoder: one pass from the link layer to the transport header, reading the captured
// bytes in place. Every header is bounds-checked against the captured bytes before its fields are
// read; lengths declared by the packet are checked against the bytes on the wire. Nothing here
// allocates or throws. See docs/decode.md for the rules.
#include "decode/decoder.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>

#include "decode/byte_reader.h"

namespace nta {
namespace {

constexpr int kMaxTunnelDepth = 4;      // tunnel layers followed; the next one: kTunnelTooDeep
constexpr int kMaxIpv6ExtHeaders = 16;  // extension headers followed; the next one: kIpv6ExtTooMany
constexpr std::uint16_t kVxlanPort = 4789;

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kSllHeader = 16;
constexpr std::size_t kSll2Header = 20;
constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kTcpHeader = 20;
constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kSctpHeader = 12;
constexpr std::size_t kIcmpHeader = 8;
constexpr std::size_t kVxlanHeader = 8;

constexpr bool is_vlan_tpid(std::uint16_t t) noexcept {
  return t == ethertype::kVlan || t == ethertype::kQinQ || t == ethertype::kQinQ9100 ||
         t == ethertype::kQinQ9200;
}

// BSD loopback address families: AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD,
// OpenBSD), 28 (FreeBSD, DragonFly), 30 (macOS). Returns the IP version, or 0.
constexpr int loopback_family_version(std::uint32_t af) noexcept {
  switch (af) {
    case 2:
      return 4;
    case 10:
    case 24:
    case 28:
    case 30:
      return 6;
    default:
      return 0;
  }
}

template <std::size_t N>
void copy_bytes(std::array<std::uint8_t, N>& dst, const std::uint8_t* src) noexcept {
  std::memcpy(dst.data(), src, N);
}

// Address setters that write in place (the view's addresses are already zero: the reset, or
// reset_network_fields() for an inner packet).
void set_v4(IpAddress& a, const std::uint8_t* p) noexcept {
  std::memcpy(a.bytes.data(), p, 4);
  a.family = IpFamily::kV4;
}
void set_v6(IpAddress& a, const std::uint8_t* p) noexcept {
  std::memcpy(a.bytes.data(), p, 16);
  a.family = IpFamily::kV6;
}

// Walks an IPv4 options area; false when an option runs past it or has an impossible length.
bool ipv4_options_valid(ByteReader opts) noexcept {
  std::size_t i = 0;
  while (i < opts.size()) {
    const std::uint8_t kind = opts.u8(i);
    if (kind == 0) return true;  // end of option list
    if (kind == 1) {             // no-operation
      ++i;
      continue;
    }
    if (!opts.fits(i, 2)) return false;
    const std::size_t len = opts.u8(i + 1);
    if (len < 2 || len > opts.size() - i) return false;
    i += len;
  }
  return true;
}

// Walks the TCP options; fills `t` and returns false when an option is malformed. `complete` is false
// when the capture cut the options: running into the end is then not a malformation.
bool parse_tcp_options(ByteReader opts, bool complete, TcpInfo& t) noexcept {
  bool ok = true;
  std::size_t i = 0;
  while (i < opts.size()) {
    const std::uint8_t kind = opts.u8(i);
    if (kind == 0) break;  // end of option list
    if (kind == 1) {       // no-operation
      ++i;
      continue;
    }
    if (!opts.fits(i, 2)) return ok && !complete;
    const std::size_t len = opts.u8(i + 1);
    if (len < 2) return false;
    if (len > opts.size() - i) return ok && !complete;
    switch (kind) {
      case 2:  // maximum segment size
        if (len == 4) {
          t.mss = opts.be16(i + 2);
          t.has_mss = true;
        } else {
          ok = false;
        }
        break;
      case 3:  // window scale
        if (len == 3) {
          t.window_scale = opts.u8(i + 2);
          t.has_window_scale = true;
        } else {
          ok = false;
        }
        break;
      case 4:  // SACK permitted
        if (len == 2) {
          t.sack_permitted = true;
        } else {
          ok = false;
        }
        break;
      case 5:  // SACK: 1 to 4 blocks of 8 bytes
        if (len >= 10 && (len - 2) % 8 == 0) {
          t.has_sack = true;
        } else {
          ok = false;
        }
        break;
      case 8:  // timestamps
        if (len == 10) {
          t.ts_val = opts.be32(i + 2);
          t.ts_ecr = opts.be32(i + 6);
          t.has_timestamps = true;
        } else {
          ok = false;
        }
        break;
      default:
        break;
    }
    i += len;
  }
  return ok;
}

// The Jumbo Payload option (RFC 2675) in a hop-by-hop header: its length, or nullopt when the header
// is cut by the capture, 0 when it has no such option.
std::optional<std::uint32_t> find_jumbo_length(ByteReader after_ipv6) noexcept {
  if (!after_ipv6.fits(2)) return std::nullopt;
  const std::size_t len = (after_ipv6.u8(1) + 1u) * 8u;
  if (!after_ipv6.fits(len)) return std::nullopt;
  const ByteReader opts = after_ipv6.first(len);
  for (std::size_t i = 2; i < len;) {
    const std::uint8_t type = opts.u8(i);
    if (type == 0) {  // Pad1
      ++i;
      continue;
    }
    if (!opts.fits(i, 2)) break;
    const std::size_t opt_len = opts.u8(i + 1);
    if (type == 0xc2 && opt_len == 4 && opts.fits(i + 2, 4)) return opts.be32(i + 2);
    i += 2 + opt_len;
  }
  return 0;
}

// The layer-2 fields an inner Ethernet frame (or MPLS) overwrites: saved when a tunnel is entered,
// restored when its inner packet does not reach a network layer.
struct LinkFields {
  std::array<std::uint8_t, 6> src_mac;
  std::array<std::uint8_t, 6> dst_mac;
  std::array<std::uint16_t, 3> vlan_ids;
  std::uint16_t ethertype;
  std::uint8_t vlan_count;
  std::uint8_t mpls_labels;
  bool has_mac;

  static LinkFields save(const PacketView& v) noexcept {
    return {v.src_mac, v.dst_mac, v.vlan_ids, v.ethertype, v.vlan_count, v.mpls_labels, v.has_mac};
  }
  void restore(PacketView& v) const noexcept {
    v.src_mac = src_mac;
    v.dst_mac = dst_mac;
    v.vlan_ids = vlan_ids;
    v.ethertype = ethertype;
    v.vlan_count = vlan_count;
    v.mpls_labels = mpls_labels;
    v.has_mac = has_mac;
  }
};

class Decoder {
 public:
  Decoder(const RawPacket& pkt, PacketView& out) noexcept
      : out_(out),
        frame_end_(pkt.data.data() + pkt.data.size()),
        missing_(out.wire_len > out.cap_len ? out.wire_len - out.cap_len : 0) {}

  void run(LinkType link, ByteReader frame) noexcept {
    if (link == LinkType::kEthernet) [[likely]] {
      ethernet(frame);
      return;
    }
    switch (link) {
      case LinkType::kRaw:
      case LinkType::kRawAlt:
        ip_by_version(frame);
        break;
      case LinkType::kIpv4:
        out_.ethertype = ethertype::kIpv4;
        ipv4(frame);
        break;
      case LinkType::kIpv6:
        out_.ethertype = ethertype::kIpv6;
        ipv6(frame);
        break;
      case LinkType::kNull:
      case LinkType::kLoop:
        loopback(frame, link == LinkType::kLoop);
        break;
      case LinkType::kLinuxSll:
        if (!frame.fits(kSllHeader)) {
          flag(Anomaly::kSllTruncated);
          return;
        }
        ethertype_payload(frame.be16(14), frame.skip(kSllHeader));
        break;
      case LinkType::kLinuxSll2:
        if (!frame.fits(kSll2Header)) {
          flag(Anomaly::kSllTruncated);
          return;
        }
        ethertype_payload(frame.be16(0), frame.skip(kSll2Header));
        break;
      default:
        flag(Anomaly::kUnknownLinkType);
        break;
    }
  }

 private:
  void flag(Anomaly a) noexcept { out_.anomalies.set(a); }

  // Bytes of this window on the wire: the captured ones, plus those the snapshot length cut if the
  // window runs to the end of the captured frame.
  [[nodiscard]] std::size_t wire_size(ByteReader b) const noexcept {
    return b.size() + (b.end() == frame_end_ ? missing_ : 0);
  }

  // Called when a network layer is recognised. The first one inside a tunnel makes the inner packet
  // the analysed one: the outer addresses move to outer_*, the L3/L4 fields start afresh.
  void begin_network(NetLayer net) noexcept {
    if (depth_ > committed_depth_) {
      committed_depth_ = depth_;
      out_.tunnel_depth = static_cast<std::uint8_t>(depth_);
      if (out_.tunnel == TunnelKind::kNone) {
        out_.tunnel = outer_kind_;
        out_.outer_src_ip = outer_src_;
        out_.outer_dst_ip = outer_dst_;
      }
      reset_network_fields();
    }
    out_.net = net;
  }

  void reset_network_fields() noexcept {
    out_.src_ip = {};
    out_.dst_ip = {};
    out_.ip_proto = 0;
    out_.ttl = 0;
    out_.tos = 0;
    out_.dont_fragment = false;
    out_.ip_len = 0;
    out_.ip_id = 0;
    out_.is_fragment = false;
    out_.is_first_fragment = false;
    out_.arp_op = 0;
    out_.arp_sender_mac = {};
    out_.arp_target_mac = {};
    out_.has_ports = false;
    out_.has_l4 = false;
    out_.src_port = 0;
    out_.dst_port = 0;
    out_.tcp = {};
    out_.icmp = {};
    out_.l4_payload = {};
    out_.l4_payload_len = 0;
  }

  // Before following a tunnel: false (kTunnelTooDeep) when too many are nested already.
  bool enter_tunnel(TunnelKind kind) noexcept {
    if (depth_ >= kMaxTunnelDepth) {
      flag(Anomaly::kTunnelTooDeep);
      return false;
    }
    if (depth_ == 0) {
      outer_kind_ = kind;
      outer_src_ = out_.src_ip;
      outer_dst_ = out_.dst_ip;
    }
    ++depth_;
    return true;
  }

  // The final layer's payload: `payload` is what was captured, `declared` what the headers announce.
  void set_payload(ByteReader payload, std::size_t declared) noexcept {
    out_.l4_payload = std::span<const std::uint8_t>(payload.data(), payload.size());
    out_.l4_payload_len = static_cast<std::uint32_t>(declared);
    if (payload.size() < declared) flag(Anomaly::kL4Truncated);
  }

  // ---- Layer 2 -------------------------------------------------------------------------------

  void ethernet(ByteReader b) noexcept {
    if (!b.fits(kEthernetHeader)) {
      flag(Anomaly::kEthernetTruncated);
      return;
    }
    copy_bytes(out_.dst_mac, b.at(0));
    copy_bytes(out_.src_mac, b.at(6));
    out_.has_mac = true;
    if (depth_ > 0) {  // an inner Ethernet header: the tags seen belong to the outer one
      out_.vlan_count = 0;
      out_.vlan_ids = {};
    }
    ethertype_payload(b.be16(12), b.skip(kEthernetHeader));
  }

  void ethertype_payload(std::uint16_t type, ByteReader b) noexcept {
    while (is_vlan_tpid(type)) {
      out_.ethertype = type;
      if (!b.fits(4)) {
        flag(Anomaly::kVlanTruncated);
        return;
      }
      if (out_.vlan_count < out_.vlan_ids.size()) {
        out_.vlan_ids[out_.vlan_count++] = static_cast<std::uint16_t>(b.be16(0) & 0x0fff);
      } else {
        flag(Anomaly::kVlanTooDeep);
      }
      type = b.be16(2);
      b = b.skip(4);
    }
    if (type < ethertype::kMinEthertype) {  // 802.3 length field: an LLC frame
      out_.ethertype = 0;
      begin_network(NetLayer::kOther);
      return;
    }
    out_.ethertype = type;
    switch (type) {
      case ethertype::kIpv4:
        ipv4(b);
        break;
      case ethertype::kIpv6:
        ipv6(b);
        break;
      case ethertype::kArp:
        arp(b);
        break;
      case ethertype::kMplsUnicast:
      case ethertype::kMplsMulticast:
        mpls(b);
        break;
      default:
        begin_network(NetLayer::kOther);
        break;
    }
  }

  void mpls(ByteReader b) noexcept {
    for (;;) {
      if (!b.fits(4)) {
        flag(Anomaly::kMplsTruncated);
        return;
      }
      const std::uint32_t entry = b.be32(0);
      b = b.skip(4);
      if (out_.mpls_labels < UINT8_MAX) ++out_.mpls_labels;
      if ((entry & 0x100) != 0) break;  // bottom of stack
    }
    if (b.empty()) {
      flag(Anomaly::kMplsTruncated);
      return;
    }
    switch (b.u8(0) >> 4) {
      case 4:
        out_.ethertype = ethertype::kIpv4;
        ipv4(b);
        break;
      case 6:
        out_.ethertype = ethertype::kIpv6;
        ipv6(b);
        break;
      default:  // a pseudowire (control word) or another payload: not IP, not malformed
        begin_network(NetLayer::kOther);
        break;
    }
  }

  void loopback(ByteReader b, bool network_order) noexcept {
    if (!b.fits(4)) {
      flag(Anomaly::kNullTruncated);
      return;
    }
    int version = loopback_family_version(b.be32(0));
    if (!network_order) {
      // DLT_NULL: the capturer's host byte order, which the file does not say; try both.
      const int le = loopback_family_version(b.le32(0));
      if (le != 0) version = le;
    }
    b = b.skip(4);
    if (version == 4) {
      out_.ethertype = ethertype::kIpv4;
      ipv4(b);
    } else if (version == 6) {
      out_.ethertype = ethertype::kIpv6;
      ipv6(b);
    } else {
      flag(Anomaly::kNullUnknownFamily);
    }
  }

  // Raw IP: the version nibble says which.
  void ip_by_version(ByteReader b) noexcept {
    const int version = b.empty() ? 0 : b.u8(0) >> 4;
    if (version == 4) {
      out_.ethertype = ethertype::kIpv4;
      ipv4(b);
    } else if (version == 6) {
      out_.ethertype = ethertype::kIpv6;
      ipv6(b);
    } else {
      flag(Anomaly::kIpVersionUnknown);
    }
  }

  // ---- Layer 3 -------------------------------------------------------------------------------

  void arp(ByteReader b) noexcept {
    if (!b.fits(8)) {
      flag(Anomaly::kArpTruncated);
      return;
    }
    begin_network(NetLayer::kArp);
    out_.arp_op = b.be16(6);
    if (b.be16(2) != ethertype::kIpv4 || b.u8(4) != 6 || b.u8(5) != 4) {
      flag(Anomaly::kArpBadSizes);
      return;
    }
    if (!b.fits(28)) {
      flag(Anomaly::kArpTruncated);
      return;
    }
    copy_bytes(out_.arp_sender_mac, b.at(8));
    set_v4(out_.src_ip, b.at(14));
    copy_bytes(out_.arp_target_mac, b.at(18));
    set_v4(out_.dst_ip, b.at(24));
  }

  void ipv4(ByteReader b) noexcept {
    if (!b.fits(kIpv4Header)) {
      flag(Anomaly::kIpv4Truncated);
      return;
    }
    const std::uint8_t version_ihl = b.u8(0);
    if ((version_ihl >> 4) != 4) {
      flag(Anomaly::kIpv4BadVersion);
      return;
    }
    begin_network(NetLayer::kIpv4);
    out_.ethertype = ethertype::kIpv4;  // also for IPv4 inside IPv6 or GRE
    const std::uint16_t total_len = b.be16(2);
    const std::uint16_t frag = b.be16(6);
    const std::uint8_t proto = b.u8(9);
    out_.tos = b.u8(1);
    out_.ip_len = total_len;
    out_.ip_id = b.be16(4);
    out_.dont_fragment = (frag & 0x4000) != 0;
    out_.ttl = b.u8(8);
    out_.ip_proto = proto;
    set_v4(out_.src_ip, b.at(12));
    set_v4(out_.dst_ip, b.at(16));

    const std::size_t ihl = (version_ihl & 0x0fu) * 4u;
    const std::size_t wire = wire_size(b);
    if (ihl < kIpv4Header) {
      flag(Anomaly::kIpv4BadIhl);
      return;
    }
    if (!b.fits(ihl)) {
      flag(ihl > wire ? Anomaly::kIpv4BadIhl : Anomaly::kIpv4Truncated);
      return;
    }
    if (total_len < ihl) {
      flag(Anomaly::kIpv4BadTotalLength);
      return;
    }
    std::size_t declared = total_len;
    if (declared > wire) {
      flag(Anomaly::kIpv4BadTotalLength);
      declared = wire;
    }
    if (ihl > kIpv4Header && !ipv4_options_valid(b.skip(kIpv4Header).first(ihl - kIpv4Header))) {
      flag(Anomaly::kIpv4OptionsMalformed);
    }
    if ((frag & 0x1fff) != 0) {  // a later fragment: no transport header here
      out_.is_fragment = true;
      flag(Anomaly::kIpv4Fragment);
      return;
    }
    if ((frag & 0x2000) != 0) {  // more fragments: this is the first one
      out_.is_fragment = true;
      out_.is_first_fragment = true;
    }
    // Trust the total length over the frame: Ethernet padding is not payload.
    transport(proto, b.first(declared).skip(ihl), declared - ihl);
  }

  static constexpr bool is_ipv6_extension(std::uint8_t nh) noexcept {
    return nh == ipproto::kHopByHop || nh == ipproto::kRouting || nh == ipproto::kFragment ||
           nh == ipproto::kDestOptions || nh == ipproto::kAh;
  }

  void ipv6(ByteReader b) noexcept {
    if (!b.fits(kIpv6Header)) {
      flag(Anomaly::kIpv6Truncated);
      return;
    }
    const std::uint32_t first_word = b.be32(0);
    if ((first_word >> 28) != 6) {
      flag(Anomaly::kIpv6BadVersion);
      return;
    }
    begin_network(NetLayer::kIpv6);
    out_.ethertype = ethertype::kIpv6;  // also for IPv6 inside IPv4 or GRE
    const std::uint16_t payload_len = b.be16(4);
    std::uint8_t nh = b.u8(6);
    out_.tos = static_cast<std::uint8_t>((first_word >> 20) & 0xff);
    out_.ip_len = static_cast<std::uint16_t>(std::min<std::size_t>(kIpv6Header + payload_len, UINT16_MAX));
    out_.ttl = b.u8(7);
    out_.ip_proto = nh;
    set_v6(out_.src_ip, b.at(8));
    set_v6(out_.dst_ip, b.at(24));

    const std::size_t wire = wire_size(b) - kIpv6Header;
    std::size_t declared = payload_len;
    if (payload_len == 0 && nh == ipproto::kHopByHop) {
      // A jumbogram (RFC 2675): the length is in a hop-by-hop option and must exceed 65535.
      const std::optional<std::uint32_t> jumbo = find_jumbo_length(b.skip(kIpv6Header));
      declared = wire;
      if (jumbo && *jumbo <= UINT16_MAX) {
        flag(Anomaly::kIpv6BadPayloadLength);
      } else if (jumbo && *jumbo <= wire) {
        declared = *jumbo;
      } else if (jumbo) {
        flag(Anomaly::kIpv6BadPayloadLength);
      }
    } else if (declared > wire) {
      flag(Anomaly::kIpv6BadPayloadLength);
      declared = wire;
    }
    ByteReader rest = b.skip(kIpv6Header).first(declared);

    for (int count = 0; is_ipv6_extension(nh); ++count) {
      if (count == kMaxIpv6ExtHeaders) {
        flag(Anomaly::kIpv6ExtTooMany);
        out_.ip_proto = nh;
        return;
      }
      std::size_t len = 8;  // the fragment header
      if (nh != ipproto::kFragment) {
        if (!rest.fits(2)) {
          flag(Anomaly::kIpv6ExtTruncated);
          out_.ip_proto = nh;
          return;
        }
        len = nh == ipproto::kAh ? (rest.u8(1) + 2u) * 4u : (rest.u8(1) + 1u) * 8u;
      }
      if (!rest.fits(len)) {
        flag(Anomaly::kIpv6ExtTruncated);
        out_.ip_proto = nh;
        return;
      }
      const std::uint8_t next = rest.u8(0);
      if (nh == ipproto::kFragment) {
        const std::uint16_t off_m = rest.be16(2);
        const bool later = (off_m & 0xfff8) != 0;
        const bool more = (off_m & 1) != 0;
        if (later || more) {  // offset 0 without M is an atomic fragment (RFC 6946): not fragmented
          out_.is_fragment = true;
          out_.ip_id = static_cast<std::uint16_t>(rest.be32(4) & 0xffff);
        }
        if (later) {
          out_.ip_proto = next;
          flag(Anomaly::kIpv6Fragment);
          return;
        }
        if (more) out_.is_first_fragment = true;
      }
      nh = next;
      rest = rest.skip(len);
      declared -= len;
    }
    out_.ip_proto = nh;
    transport(nh, rest, declared);
  }

  // ---- Layer 4 -------------------------------------------------------------------------------

  // `seg` is the captured part of the IP payload, `declared` its length on the wire
  // (seg.size() <= declared).
  void transport(std::uint8_t proto, ByteReader seg, std::size_t declared) noexcept {
    switch (proto) {
      case ipproto::kTcp:
        tcp(seg, declared);
        break;
      case ipproto::kUdp:
        udp(seg, declared);
        break;
      case ipproto::kSctp:
        sctp(seg, declared);
        break;
      case ipproto::kIcmp:
        icmp(seg, declared, Anomaly::kIcmpTruncated, 0, 8);
        break;
      case ipproto::kIcmpv6:
        icmp(seg, declared, Anomaly::kIcmpv6Truncated, 129, 128);
        break;
      case ipproto::kGre:
        gre(seg, declared);
        break;
      case ipproto::kIpInIp:
      case ipproto::kIpv6:
        ip_in_ip(proto, seg, declared);
        break;
      default:
        set_payload(seg, declared);
        break;
    }
  }

  void tcp(ByteReader seg, std::size_t declared) noexcept {
    if (!seg.fits(kTcpHeader)) {
      flag(Anomaly::kTcpTruncated);
      return;
    }
    TcpInfo& t = out_.tcp;
    out_.src_port = seg.be16(0);
    out_.dst_port = seg.be16(2);
    out_.has_ports = true;
    t.seq = seg.be32(4);
    t.ack = seg.be32(8);
    const std::size_t header_len = (seg.u8(12) >> 4) * 4u;
    t.header_len = static_cast<std::uint8_t>(header_len);
    t.flags = seg.u8(13);
    t.window = seg.be16(14);
    if (header_len < kTcpHeader || header_len > declared) {
      flag(Anomaly::kTcpBadDataOffset);
      return;
    }
    const bool complete = seg.fits(header_len);
    if (header_len == kTcpHeader + 12 && complete && seg.be32(20) == 0x0101080a) {
      // NOP, NOP, timestamps: the layout of nearly every segment after the handshake.
      t.ts_val = seg.be32(24);
      t.ts_ecr = seg.be32(28);
      t.has_timestamps = true;
    } else if (!parse_tcp_options(seg.first(header_len).skip(kTcpHeader), complete, t)) {
      flag(Anomaly::kTcpOptionsMalformed);
    }
    if (!complete) {  // options cut by the capture
      flag(Anomaly::kL4Truncated);
      return;
    }
    out_.has_l4 = true;
    set_payload(seg.skip(header_len), declared - header_len);
  }

  void udp(ByteReader seg, std::size_t declared) noexcept {
    if (!seg.fits(kUdpHeader)) {
      flag(Anomaly::kUdpTruncated);
      return;
    }
    out_.src_port = seg.be16(0);
    out_.dst_port = seg.be16(2);
    out_.has_ports = true;
    out_.has_l4 = true;
    const std::size_t udp_len = seg.be16(4);
    std::size_t payload_declared = declared - kUdpHeader;
    if (out_.is_fragment) {
      // A first fragment carries only part of the datagram: the length cannot be checked against it.
      if (udp_len < kUdpHeader) flag(Anomaly::kUdpBadLength);
    } else if (udp_len < kUdpHeader || udp_len > declared) {
      flag(Anomaly::kUdpBadLength);
    } else {
      payload_declared = udp_len - kUdpHeader;
    }
    const ByteReader payload = seg.skip(kUdpHeader).first(payload_declared);
    if (out_.dst_port == kVxlanPort && !out_.is_fragment && vxlan(payload)) return;
    set_payload(payload, payload_declared);
  }

  void sctp(ByteReader seg, std::size_t declared) noexcept {
    if (!seg.fits(kSctpHeader)) {
      flag(Anomaly::kSctpTruncated);
      return;
    }
    out_.src_port = seg.be16(0);
    out_.dst_port = seg.be16(2);
    out_.has_ports = true;
    out_.has_l4 = true;
    set_payload(seg.skip(kSctpHeader), declared - kSctpHeader);
  }

  void icmp(ByteReader seg, std::size_t declared, Anomaly truncated, std::uint8_t echo_reply,
            std::uint8_t echo_request) noexcept {
    if (seg.fits(2)) {
      out_.icmp.type = seg.u8(0);
      out_.icmp.code = seg.u8(1);
    }
    if (!seg.fits(kIcmpHeader)) {
      flag(truncated);
      return;
    }
    out_.has_l4 = true;
    if (out_.icmp.type == echo_reply || out_.icmp.type == echo_request) {
      out_.icmp.id = seg.be16(4);
      out_.icmp.seq = seg.be16(6);
    }
    set_payload(seg.skip(kIcmpHeader), declared - kIcmpHeader);
  }

  // ---- Tunnels -------------------------------------------------------------------------------

  // Returns true when the inner packet's network layer was reached (it is then the analysed one).
  bool vxlan(ByteReader payload) noexcept {
    if (!payload.fits(kVxlanHeader)) {
      flag(Anomaly::kVxlanTruncated);
      return false;
    }
    if ((payload.u8(0) & 0x08) == 0) return false;  // no I flag: not a VXLAN header, plain UDP
    if (!enter_tunnel(TunnelKind::kVxlan)) return false;
    const LinkFields outer = LinkFields::save(out_);
    const int before = committed_depth_;
    ethernet(payload.skip(kVxlanHeader));
    if (committed_depth_ == before) {
      outer.restore(out_);
      return false;
    }
    out_.vxlan_vni = payload.be32(4) >> 8;
    return true;
  }

  void gre(ByteReader seg, std::size_t declared) noexcept {
    if (!seg.fits(4)) {
      flag(Anomaly::kGreTruncated);
      return;
    }
    const std::uint16_t flags = seg.be16(0);
    const std::uint16_t type = seg.be16(2);
    // Version 0 only (1 is PPTP's enhanced GRE); the RFC 1701 routing bit means a source-route list.
    if ((flags & 0x0007) != 0 || (flags & 0x4000) != 0) {
      flag(Anomaly::kGreUnsupported);
      set_payload(seg, declared);
      return;
    }
    std::size_t header_len = 4;
    if ((flags & 0x8000) != 0) header_len += 4;  // C: checksum + reserved
    if ((flags & 0x2000) != 0) header_len += 4;  // K: key
    if ((flags & 0x1000) != 0) header_len += 4;  // S: sequence number
    if (!seg.fits(header_len)) {
      flag(Anomaly::kGreTruncated);
      return;
    }
    const ByteReader payload = seg.skip(header_len);
    const std::size_t payload_declared = declared - header_len;
    const bool supported =
        type == ethertype::kIpv4 || type == ethertype::kIpv6 || type == ethertype::kTransparentEthernet;
    if (!supported) {
      flag(Anomaly::kGreUnsupported);
    } else if (!out_.is_fragment && enter_tunnel(TunnelKind::kGre)) {
      const LinkFields outer = LinkFields::save(out_);
      const int before = committed_depth_;
      if (type == ethertype::kIpv4) {
        ipv4(payload);
      } else if (type == ethertype::kIpv6) {
        ipv6(payload);
      } else {
        ethernet(payload);
      }
      if (committed_depth_ != before) return;
      outer.restore(out_);
    }
    set_payload(payload, payload_declared);
  }

  void ip_in_ip(std::uint8_t proto, ByteReader seg, std::size_t declared) noexcept {
    if (!out_.is_fragment && enter_tunnel(TunnelKind::kIpInIp)) {
      const int before = committed_depth_;
      if (proto == ipproto::kIpInIp) {
        ipv4(seg);
      } else {
        ipv6(seg);
      }
      if (committed_depth_ != before) return;
    }
    set_payload(seg, declared);
  }

  PacketView& out_;
  const std::uint8_t* frame_end_;
  std::size_t missing_;  // bytes the snapshot length cut off the end of the frame

  int depth_ = 0;            // tunnels entered
  int committed_depth_ = 0;  // tunnels whose inner network layer was reached
  TunnelKind outer_kind_ = TunnelKind::kNone;
  IpAddress outer_src_;
  IpAddress outer_dst_;
};

}  // namespace

void decode(const RawPacket& pkt, PacketView& out) noexcept {
  // Reset by copying a default view: GCC turns `out = PacketView{}` into `rep stos`, whose start-up
  // cost is a good part of a decode; the copy of a known constant becomes a few vector stores.
  static const PacketView kEmptyView{};
  static_assert(std::is_trivially_copyable_v<PacketView>);
  std::memcpy(static_cast<void*>(&out), &kEmptyView, sizeof out);
  out.ts = pkt.ts;
  out.wire_len = pkt.wire_len;
  out.cap_len = static_cast<std::uint32_t>(std::min<std::size_t>(pkt.data.size(), UINT32_MAX));
  out.link = pkt.link;
  if (out.cap_len < out.wire_len) out.anomalies.set(Anomaly::kSnaplenCut);
  Decoder decoder(pkt, out);
  decoder.run(pkt.link, ByteReader(pkt.data.data(), out.cap_len));
}

}  // namespace nta
