#include "synth/frame_builder.h"

#include <algorithm>
#include <cstring>

namespace nta {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherArp = 0x0806;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoIcmpv6 = 58;
constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kMaxIpPacket = 1500;

void put16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// One's-complement sum of big-endian 16-bit words, accumulated wide and folded at the end. The
// words are read big-endian explicitly, so the result does not depend on the host's byte order.
std::uint64_t sum_words(const std::uint8_t* p, std::size_t n, std::uint64_t sum = 0) noexcept {
  while (n >= 8) {
    sum += (std::uint32_t{p[0]} << 8 | p[1]) + (std::uint32_t{p[2]} << 8 | p[3]) +
           (std::uint32_t{p[4]} << 8 | p[5]) + (std::uint32_t{p[6]} << 8 | p[7]);
    p += 8;
    n -= 8;
  }
  while (n >= 2) {
    sum += std::uint32_t{p[0]} << 8 | p[1];
    p += 2;
    n -= 2;
  }
  if (n == 1) sum += std::uint32_t{p[0]} << 8;
  return sum;
}

std::uint16_t fold(std::uint64_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::size_t address_size(const IpAddress& a) noexcept {
  return a.family == IpFamily::kV6 ? 16 : 4;
}

// The pseudo-header sum of TCP, UDP and ICMPv6 checksums (RFC 793, RFC 8200 section 8.1).
std::uint64_t pseudo_header_sum(const IpSpec& ip, std::uint8_t protocol, std::size_t l4_size) noexcept {
  const std::size_t n = address_size(ip.src);
  std::uint64_t sum = sum_words(ip.src.bytes.data(), n);
  sum = sum_words(ip.dst.bytes.data(), n, sum);
  return sum + protocol + l4_size;
}

}  // namespace

std::size_t FrameBuilder::begin(const EthernetSpec& eth, const IpSpec& ip, std::size_t l4_size) noexcept {
  size_ = 0;
  ip_size_ = 0;
  const bool v6 = ip.src.family == IpFamily::kV6;
  if (ip.src.family == IpFamily::kNone || ip.src.family != ip.dst.family) return 0;
  const std::size_t ip_header = v6 ? kIpv6Header : kIpv4Header;
  const std::size_t l2 = eth.vlan != 0 ? 18 : 14;
  if (ip_header + l4_size > kMaxIpPacket || l2 + ip_header + l4_size > buffer_.size()) return 0;
  std::uint8_t* p = buffer_.data();
  std::memcpy(p, eth.dst.bytes.data(), 6);
  std::memcpy(p + 6, eth.src.bytes.data(), 6);
  if (eth.vlan != 0) {
    put16(p + 12, kEtherVlan);
    put16(p + 14, static_cast<std::uint16_t>((eth.priority & 7) << 13 | (eth.vlan & 0x0fff)));
  }
  put16(p + l2 - 2, v6 ? kEtherIpv6 : kEtherIpv4);
  l3_offset_ = l2;
  return l2 + ip_header;  // where the transport header goes
}

std::size_t FrameBuilder::finish_ip(const IpSpec& ip, std::uint8_t protocol, std::size_t l4_size) noexcept {
  std::uint8_t* p = buffer_.data() + l3_offset_;
  if (ip.src.family == IpFamily::kV6) {
    put32(p, 6u << 28 | std::uint32_t{ip.tos} << 20 | (ip.flow_label & 0xfffff));
    put16(p + 4, static_cast<std::uint16_t>(l4_size));
    p[6] = protocol;
    p[7] = ip.ttl;
    std::memcpy(p + 8, ip.src.bytes.data(), 16);
    std::memcpy(p + 24, ip.dst.bytes.data(), 16);
    ip_size_ = kIpv6Header + l4_size;
  } else {
    p[0] = 0x45;
    p[1] = ip.tos;
    put16(p + 2, static_cast<std::uint16_t>(kIpv4Header + l4_size));
    put16(p + 4, ip.id);
    put16(p + 6, ip.dont_fragment ? 0x4000 : 0);
    p[8] = ip.ttl;
    p[9] = protocol;
    put16(p + 10, 0);
    std::memcpy(p + 12, ip.src.bytes.data(), 4);
    std::memcpy(p + 16, ip.dst.bytes.data(), 4);
    put16(p + 10, fold(sum_words(p, kIpv4Header)));
    ip_size_ = kIpv4Header + l4_size;
  }
  return pad(l3_offset_ + ip_size_);
}

std::size_t FrameBuilder::pad(std::size_t end) noexcept {
  if (end < kMinFrameSize) {
    std::memset(buffer_.data() + end, 0, kMinFrameSize - end);
    end = kMinFrameSize;
  }
  size_ = end;
  return end;
}

std::size_t FrameBuilder::tcp(const EthernetSpec& eth, const IpSpec& ip, const TcpSpec& tcp,
                              std::span<const std::uint8_t> payload) noexcept {
  // Options in the order Linux writes them on a SYN (MSS, SACK-permitted, timestamps, window
  // scale), with NOPs keeping each option where a real stack keeps it, so lengths stay x4.
  std::array<std::uint8_t, 40> opt{};
  std::size_t n = 0;
  const TcpOptions& o = tcp.options;
  if (o.mss != 0) {
    opt[n++] = 2;
    opt[n++] = 4;
    put16(&opt[n], o.mss);
    n += 2;
  }
  if (o.sack_permitted && o.timestamps) {
    opt[n++] = 4;
    opt[n++] = 2;
  } else if (o.sack_permitted && !o.timestamps) {
    opt[n++] = 1;
    opt[n++] = 1;
    opt[n++] = 4;
    opt[n++] = 2;
  }
  if (o.timestamps) {
    if (!o.sack_permitted) {
      opt[n++] = 1;
      opt[n++] = 1;
    }
    opt[n++] = 8;
    opt[n++] = 10;
    put32(&opt[n], o.ts_val);
    put32(&opt[n + 4], o.ts_ecr);
    n += 8;
  }
  if (o.window_scale >= 0) {
    opt[n++] = 1;
    opt[n++] = 3;
    opt[n++] = 3;
    opt[n++] = static_cast<std::uint8_t>(o.window_scale);
  }
  const std::size_t header = 20 + n;
  const std::size_t l4_size = header + payload.size();
  const std::size_t at = begin(eth, ip, l4_size);
  if (at == 0) return 0;
  std::uint8_t* p = buffer_.data() + at;
  put16(p, tcp.src_port);
  put16(p + 2, tcp.dst_port);
  put32(p + 4, tcp.seq);
  put32(p + 8, tcp.ack);
  p[12] = static_cast<std::uint8_t>(header / 4 << 4);
  p[13] = tcp.flags;
  put16(p + 14, tcp.window);
  put16(p + 16, 0);
  put16(p + 18, 0);
  std::memcpy(p + 20, opt.data(), n);
  if (!payload.empty()) std::memcpy(p + header, payload.data(), payload.size());
  put16(p + 16, fold(sum_words(p, l4_size, pseudo_header_sum(ip, kProtoTcp, l4_size))));
  return finish_ip(ip, kProtoTcp, l4_size);
}

std::size_t FrameBuilder::udp(const EthernetSpec& eth, const IpSpec& ip, std::uint16_t src_port,
                              std::uint16_t dst_port, std::span<const std::uint8_t> payload) noexcept {
  const std::size_t l4_size = 8 + payload.size();
  const std::size_t at = begin(eth, ip, l4_size);
  if (at == 0) return 0;
  std::uint8_t* p = buffer_.data() + at;
  put16(p, src_port);
  put16(p + 2, dst_port);
  put16(p + 4, static_cast<std::uint16_t>(l4_size));
  put16(p + 6, 0);
  if (!payload.empty()) std::memcpy(p + 8, payload.data(), payload.size());
  std::uint16_t sum = fold(sum_words(p, l4_size, pseudo_header_sum(ip, kProtoUdp, l4_size)));
  put16(p + 6, sum == 0 ? 0xffff : sum);  // 0 means "no checksum" in UDP, so send its other form
  return finish_ip(ip, kProtoUdp, l4_size);
}

std::size_t FrameBuilder::icmp_echo(const EthernetSpec& eth, const IpSpec& ip, bool reply, std::uint16_t id,
                                    std::uint16_t seq, std::span<const std::uint8_t> payload) noexcept {
  const bool v6 = ip.src.family == IpFamily::kV6;
  const std::size_t l4_size = 8 + payload.size();
  const std::size_t at = begin(eth, ip, l4_size);
  if (at == 0) return 0;
  std::uint8_t* p = buffer_.data() + at;
  p[0] = v6 ? (reply ? 129 : 128) : (reply ? 0 : 8);
  p[1] = 0;
  put16(p + 2, 0);
  put16(p + 4, id);
  put16(p + 6, seq);
  if (!payload.empty()) std::memcpy(p + 8, payload.data(), payload.size());
  // ICMPv6 covers a pseudo-header; ICMPv4 does not.
  const std::uint64_t base = v6 ? pseudo_header_sum(ip, kProtoIcmpv6, l4_size) : 0;
  put16(p + 2, fold(sum_words(p, l4_size, base)));
  return finish_ip(ip, v6 ? kProtoIcmpv6 : kProtoIcmp, l4_size);
}

std::size_t FrameBuilder::icmp_error(const EthernetSpec& eth, const IpSpec& ip, IcmpError error,
                                     std::span<const std::uint8_t> offending) noexcept {
  const bool v6 = ip.src.family == IpFamily::kV6;
  // RFC 1812 4.3.2.3 / RFC 4443 2.4(c): quote as much as fits the minimum MTU.
  const std::size_t limit = v6 ? 1280 - kIpv6Header - 8 : 576 - kIpv4Header - 8;
  const std::size_t quoted = std::min(offending.size(), limit);
  const std::size_t l4_size = 8 + quoted;
  const std::size_t at = begin(eth, ip, l4_size);
  if (at == 0) return 0;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  switch (error) {
    case IcmpError::kHostUnreachable:
      type = v6 ? 1 : 3;
      code = v6 ? 3 : 1;
      break;
    case IcmpError::kPortUnreachable:
      type = v6 ? 1 : 3;
      code = v6 ? 4 : 3;
      break;
    case IcmpError::kAdminProhibited:
      type = v6 ? 1 : 3;
      code = v6 ? 1 : 13;
      break;
    case IcmpError::kTtlExceeded:
      type = v6 ? 3 : 11;
      code = 0;
      break;
  }
  std::uint8_t* p = buffer_.data() + at;
  p[0] = type;
  p[1] = code;
  put16(p + 2, 0);
  put32(p + 4, 0);  // unused
  if (quoted != 0) std::memcpy(p + 8, offending.data(), quoted);
  const std::uint64_t base = v6 ? pseudo_header_sum(ip, kProtoIcmpv6, l4_size) : 0;
  put16(p + 2, fold(sum_words(p, l4_size, base)));
  return finish_ip(ip, v6 ? kProtoIcmpv6 : kProtoIcmp, l4_size);
}

std::size_t FrameBuilder::arp(const EthernetSpec& eth, ArpOp op, const MacAddress& sender_mac,
                              const IpAddress& sender_ip, const MacAddress& target_mac,
                              const IpAddress& target_ip) noexcept {
  size_ = 0;
  ip_size_ = 0;
  if (sender_ip.family != IpFamily::kV4 || target_ip.family != IpFamily::kV4) return 0;
  const std::size_t l2 = eth.vlan != 0 ? 18 : 14;
  if (buffer_.size() < std::max(l2 + 28, kMinFrameSize)) return 0;
  std::uint8_t* p = buffer_.data();
  std::memcpy(p, eth.dst.bytes.data(), 6);
  std::memcpy(p + 6, eth.src.bytes.data(), 6);
  if (eth.vlan != 0) {
    put16(p + 12, kEtherVlan);
    put16(p + 14, static_cast<std::uint16_t>((eth.priority & 7) << 13 | (eth.vlan & 0x0fff)));
  }
  put16(p + l2 - 2, kEtherArp);
  l3_offset_ = l2;
  std::uint8_t* a = p + l2;
  put16(a, 1);  // Ethernet
  put16(a + 2, kEtherIpv4);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, static_cast<std::uint16_t>(op));
  std::memcpy(a + 8, sender_mac.bytes.data(), 6);
  std::memcpy(a + 14, sender_ip.bytes.data(), 4);
  std::memcpy(a + 18, target_mac.bytes.data(), 6);
  std::memcpy(a + 24, target_ip.bytes.data(), 4);
  return pad(l2 + 28);
}

// ---- DNS ---------------------------------------------------------------------------------------

namespace {

// Writes `name` as labels ending with the root label; returns the end, or nullptr if the name is
// not a valid DNS name (empty label, label over 63 bytes, name over 255) or does not fit.
std::uint8_t* write_name(std::uint8_t* p, const std::uint8_t* end, std::string_view name) noexcept {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return nullptr;
  while (true) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) return nullptr;
    if (end - p < static_cast<std::ptrdiff_t>(label.size() + 2)) return nullptr;
    *p++ = static_cast<std::uint8_t>(label.size());
    std::memcpy(p, label.data(), label.size());
    p += label.size();
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  *p++ = 0;
  return p;
}

std::uint8_t* write_header(std::uint8_t* p, std::uint16_t id, std::uint16_t flags, std::uint16_t qd,
                           std::uint16_t an, std::uint16_t ns) noexcept {
  put16(p, id);
  put16(p + 2, flags);
  put16(p + 4, qd);
  put16(p + 6, an);
  put16(p + 8, ns);
  put16(p + 10, 0);
  return p + 12;
}

constexpr std::size_t kDnsHeader = 12;
constexpr std::uint16_t kClassIn = 1;

}  // namespace

std::size_t write_dns_query(std::span<std::uint8_t> out, std::uint16_t id, std::string_view name,
                            DnsType type) noexcept {
  if (out.size() < kDnsHeader + 6) return 0;
  std::uint8_t* const begin = out.data();
  const std::uint8_t* const end = begin + out.size();
  std::uint8_t* p = write_header(begin, id, 0x0100 /* RD */, 1, 0, 0);
  p = write_name(p, end - 4, name);
  if (p == nullptr) return 0;
  put16(p, static_cast<std::uint16_t>(type));
  put16(p + 2, kClassIn);
  return static_cast<std::size_t>(p + 4 - begin);
}

std::size_t write_dns_response(std::span<std::uint8_t> out, const DnsResponse& r) noexcept {
  if (out.size() < kDnsHeader + 6) return 0;
  std::uint8_t* const begin = out.data();
  const std::uint8_t* const end = begin + out.size();
  const bool nxdomain = r.rcode == DnsRcode::kNxDomain;
  const bool has_cname = !r.cname.empty() && !nxdomain;
  const std::size_t address_count = r.rcode == DnsRcode::kNoError ? r.addresses.size() : 0;
  const std::size_t answers = address_count + (has_cname ? 1 : 0);
  // QR, RD, RA and the response code.
  const auto flags = static_cast<std::uint16_t>(0x8180 | static_cast<std::uint16_t>(r.rcode));
  std::uint8_t* p =
      write_header(begin, r.id, flags, 1, static_cast<std::uint16_t>(answers), nxdomain ? 1 : 0);
  p = write_name(p, end - 4, r.name);
  if (p == nullptr) return 0;
  put16(p, static_cast<std::uint16_t>(r.type));
  put16(p + 2, kClassIn);
  p += 4;

  // Names already written are referred to by 14-bit offsets (RFC 1035 4.1.4).
  std::uint16_t owner = 0xc000 | kDnsHeader;
  auto record_header = [&](std::uint16_t name_ptr, std::uint16_t type, std::uint32_t ttl,
                           std::size_t rdlength) -> std::uint8_t* {
    if (end - p < static_cast<std::ptrdiff_t>(12 + rdlength)) return nullptr;
    put16(p, name_ptr);
    put16(p + 2, type);
    put16(p + 4, kClassIn);
    put32(p + 6, ttl);
    put16(p + 10, static_cast<std::uint16_t>(rdlength));
    return p + 12;
  };

  if (has_cname) {
    std::uint8_t* rdata = record_header(owner, static_cast<std::uint16_t>(DnsType::kCname), r.ttl, 0);
    if (rdata == nullptr) return 0;
    std::uint8_t* after = write_name(rdata, end, r.cname);
    if (after == nullptr) return 0;
    put16(p + 10, static_cast<std::uint16_t>(after - rdata));
    owner = static_cast<std::uint16_t>(0xc000 | (rdata - begin));
    p = after;
  }
  for (std::size_t i = 0; i < address_count; ++i) {
    const IpAddress& a = r.addresses[i];
    const bool v6 = a.family == IpFamily::kV6;
    std::uint8_t* rdata = record_header(owner, static_cast<std::uint16_t>(v6 ? DnsType::kAaaa : DnsType::kA),
                                        r.ttl, v6 ? 16 : 4);
    if (rdata == nullptr) return 0;
    std::memcpy(rdata, a.bytes.data(), v6 ? 16 : 4);
    p = rdata + (v6 ? 16 : 4);
  }
  if (nxdomain) {
    // The SOA of the closest enclosing zone: the name less its first label, or the root when
    // only one label is left.
    std::string_view name = r.name;
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    const std::size_t first_dot = name.find('.');
    const bool has_zone =
        first_dot != std::string_view::npos && name.find('.', first_dot + 1) != std::string_view::npos;
    const auto zone_ptr = static_cast<std::uint16_t>(0xc000 | (kDnsHeader + first_dot + 1));
    std::uint8_t* rdata = record_header(has_zone ? zone_ptr : std::uint16_t{0}, 6 /* SOA */, 900, 0);
    if (rdata == nullptr) return 0;
    if (!has_zone) {
      // Root owner: a single zero byte, not a pointer. Shift the record header down by one.
      std::memmove(p + 1, p + 2, 10);
      p[0] = 0;
      rdata -= 1;
    }
    std::uint8_t* q = rdata;
    if (has_zone) {
      if (end - q < 4 + 2 + 11 + 2 + 20) return 0;
      *q++ = 3;
      std::memcpy(q, "ns1", 3);
      q += 3;
      put16(q, zone_ptr);
      q += 2;
      *q++ = 10;
      std::memcpy(q, "hostmaster", 10);
      q += 10;
      put16(q, zone_ptr);
      q += 2;
    } else {
      q = write_name(q, end, "a.root-servers.net");
      if (q == nullptr) return 0;
      q = write_name(q, end, "nstld.verisign-grs.com");
      if (q == nullptr || end - q < 20) return 0;
    }
    put32(q, 2024021901);    // serial
    put32(q + 4, 7200);      // refresh
    put32(q + 8, 3600);      // retry
    put32(q + 12, 1209600);  // expire
    put32(q + 16, 300);      // minimum (negative-caching TTL)
    q += 20;
    put16(rdata - 2, static_cast<std::uint16_t>(q - rdata));
    p = q;
  }
  return static_cast<std::size_t>(p - begin);
}

}  // namespace nta
