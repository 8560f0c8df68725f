#include "flow/community_id.h"

#include <cstring>

#include "decode/packet_view.h"

namespace nta {

namespace {

std::size_t address_size(const IpAddress& a) noexcept {
  return a.family == IpFamily::kV6 ? 16 : 4;
}

// Endpoint order of the spec: (saddr, sport) before (daddr, dport) when saddr < daddr, or equal
// addresses and sport < dport (addresses compared as network-order bytes).
bool is_ordered(const CommunityIdTuple& t) noexcept {
  if (t.one_way) return true;
  const int c = std::memcmp(t.saddr.bytes.data(), t.daddr.bytes.data(), address_size(t.saddr));
  if (c != 0) return c < 0;
  return t.has_ports && t.sport < t.dport;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

CommunityIdTuple community_id_tuple(std::uint8_t proto, const IpAddress& saddr, const IpAddress& daddr,
                                    std::uint16_t sport_or_type, std::uint16_t dport_or_code) noexcept {
  CommunityIdTuple t;
  t.saddr = saddr;
  t.daddr = daddr;
  t.proto = proto;
  t.has_ports = has_port_semantics(proto);
  if (!t.has_ports) return t;
  if (proto == ipproto::kIcmp || proto == ipproto::kIcmpv6) {
    const IcmpPorts p = icmp_port_equivalents(proto, static_cast<std::uint8_t>(sport_or_type),
                                              static_cast<std::uint8_t>(dport_or_code));
    t.sport = p.src;
    t.dport = p.dst;
    t.one_way = p.one_way;
  } else {
    t.sport = sport_or_type;
    t.dport = dport_or_code;
  }
  return t;
}

CommunityIdTuple community_id_tuple(const FlowKey& key, bool one_way) noexcept {
  CommunityIdTuple t;
  t.saddr = key.orig_addr;
  t.daddr = key.resp_addr;
  t.proto = key.ip_proto;
  t.has_ports = has_port_semantics(key.ip_proto);
  if (t.has_ports) {
    t.sport = key.orig_port;
    t.dport = key.resp_port;
    t.one_way = one_way;
  }
  return t;
}

Sha1::Digest community_id_digest(const CommunityIdTuple& t, std::uint16_t seed) noexcept {
  const bool ordered = is_ordered(t);
  const IpAddress& a = ordered ? t.saddr : t.daddr;
  const IpAddress& b = ordered ? t.daddr : t.saddr;
  const std::uint16_t pa = ordered ? t.sport : t.dport;
  const std::uint16_t pb = ordered ? t.dport : t.sport;
  std::uint8_t buf[2 + 16 + 16 + 2 + 4];
  std::size_t n = 0;
  buf[n++] = static_cast<std::uint8_t>(seed >> 8);
  buf[n++] = static_cast<std::uint8_t>(seed);
  std::memcpy(buf + n, a.bytes.data(), address_size(a));
  n += address_size(a);
  std::memcpy(buf + n, b.bytes.data(), address_size(b));
  n += address_size(b);
  buf[n++] = t.proto;
  buf[n++] = 0;
  if (t.has_ports) {
    buf[n++] = static_cast<std::uint8_t>(pa >> 8);
    buf[n++] = static_cast<std::uint8_t>(pa);
    buf[n++] = static_cast<std::uint8_t>(pb >> 8);
    buf[n++] = static_cast<std::uint8_t>(pb);
  }
  return Sha1::digest(std::span<const std::uint8_t>(buf, n));
}

std::size_t write_community_id(const CommunityIdTuple& t, const CommunityIdOptions& options,
                               std::array<char, kCommunityIdMaxText>& out) noexcept {
  const Sha1::Digest d = community_id_digest(t, options.seed);
  out[0] = '1';
  out[1] = ':';
  std::size_t n = 2;
  if (!options.base64) {
    const auto hex = to_hex(d);
    std::memcpy(out.data() + n, hex.data(), hex.size());
    return n + hex.size();
  }
  // 20 bytes: six full 3-byte groups and a 2-byte tail with one '=' of padding.
  std::size_t i = 0;
  for (; i + 3 <= d.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{d[i]} << 16) | (std::uint32_t{d[i + 1]} << 8) | d[i + 2];
    out[n++] = kBase64[(v >> 18) & 63];
    out[n++] = kBase64[(v >> 12) & 63];
    out[n++] = kBase64[(v >> 6) & 63];
    out[n++] = kBase64[v & 63];
  }
  const std::uint32_t v = (std::uint32_t{d[i]} << 16) | (std::uint32_t{d[i + 1]} << 8);
  out[n++] = kBase64[(v >> 18) & 63];
  out[n++] = kBase64[(v >> 12) & 63];
  out[n++] = kBase64[(v >> 6) & 63];
  out[n++] = '=';
  return n;
}

std::string community_id(const CommunityIdTuple& t, const CommunityIdOptions& options) {
  std::array<char, kCommunityIdMaxText> buf{};
  const std::size_t n = write_community_id(t, options, buf);
  return {buf.data(), n};
}

}  // namespace nta
