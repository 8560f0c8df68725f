// Protocol names for the packet CSV and the console (docs/decode.md, "Protocol names"). Every name is
// a view of static storage: literals, a compile-time table for "IP-<n>" and a table built once for
// "ETH-0x<hex>".
#include <array>
#include <cstddef>
#include <cstdint>

#include "decode/decoder.h"

namespace nta {
namespace {

// "IP-0" .. "IP-255", one 8-byte slot each.
constexpr std::size_t kIpSlot = 8;
struct IpNumberText {
  std::array<char, 256 * kIpSlot> text{};
  std::array<std::uint8_t, 256> len{};
};

constexpr IpNumberText make_ip_number_text() {
  IpNumberText t;
  for (std::size_t n = 0; n < 256; ++n) {
    char* p = t.text.data() + n * kIpSlot;
    std::size_t i = 0;
    p[i++] = 'I';
    p[i++] = 'P';
    p[i++] = '-';
    if (n >= 100) p[i++] = static_cast<char>('0' + n / 100);
    if (n >= 10) p[i++] = static_cast<char>('0' + n / 10 % 10);
    p[i++] = static_cast<char>('0' + n % 10);
    t.len[n] = static_cast<std::uint8_t>(i);
  }
  return t;
}

constexpr IpNumberText kIpNumberText = make_ip_number_text();

// "ETH-0x0000" .. "ETH-0xffff", built on first use (function-local static: thread-safe).
constexpr std::size_t kEthLen = 10;
struct EthHexText {
  std::array<char, 65536 * kEthLen> text{};
  EthHexText() noexcept {
    constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t n = 0; n < 65536; ++n) {
      char* p = text.data() + n * kEthLen;
      p[0] = 'E';
      p[1] = 'T';
      p[2] = 'H';
      p[3] = '-';
      p[4] = '0';
      p[5] = 'x';
      p[6] = kHex[(n >> 12) & 0xf];
      p[7] = kHex[(n >> 8) & 0xf];
      p[8] = kHex[(n >> 4) & 0xf];
      p[9] = kHex[n & 0xf];
    }
  }
};

std::string_view ethertype_hex_name(std::uint16_t type) noexcept {
  static const EthHexText table;
  return {table.text.data() + std::size_t{type} * kEthLen, kEthLen};
}

}  // namespace

std::string_view ip_protocol_name(std::uint8_t proto) noexcept {
  switch (proto) {
    case 0:
      return "HOPOPT";
    case 1:
      return "ICMP";
    case 2:
      return "IGMP";
    case 3:
      return "GGP";
    case 4:
      return "IPv4";
    case 5:
      return "ST";
    case 6:
      return "TCP";
    case 8:
      return "EGP";
    case 9:
      return "IGP";
    case 17:
      return "UDP";
    case 27:
      return "RDP";
    case 33:
      return "DCCP";
    case 41:
      return "IPv6";
    case 43:
      return "IPv6-Route";
    case 44:
      return "IPv6-Frag";
    case 46:
      return "RSVP";
    case 47:
      return "GRE";
    case 50:
      return "ESP";
    case 51:
      return "AH";
    case 58:
      return "ICMPv6";  // IANA: IPv6-ICMP
    case 59:
      return "IPv6-NoNxt";
    case 60:
      return "IPv6-Opts";
    case 88:
      return "EIGRP";
    case 89:
      return "OSPF";  // IANA: OSPFIGP
    case 94:
      return "IPIP";
    case 97:
      return "ETHERIP";
    case 98:
      return "ENCAP";
    case 103:
      return "PIM";
    case 108:
      return "IPComp";
    case 112:
      return "VRRP";
    case 113:
      return "PGM";
    case 115:
      return "L2TP";
    case 132:
      return "SCTP";
    case 136:
      return "UDPLite";
    case 137:
      return "MPLS-in-IP";
    case 139:
      return "HIP";
    case 140:
      return "Shim6";
    case 141:
      return "WESP";
    case 142:
      return "ROHC";
    case 143:
      return "Ethernet";
    default:
      return {kIpNumberText.text.data() + std::size_t{proto} * kIpSlot, kIpNumberText.len[proto]};
  }
}

std::string_view ethertype_name(std::uint16_t type) noexcept {
  switch (type) {
    case 0x0000:
      return "LLC";  // nta's value for 802.3 length frames
    case 0x0800:
      return "IPv4";
    case 0x0806:
      return "ARP";
    case 0x0842:
      return "WoL";
    case 0x22f3:
      return "TRILL";
    case 0x6558:
      return "TEB";
    case 0x8035:
      return "RARP";
    case 0x809b:
      return "AppleTalk";
    case 0x80f3:
      return "AARP";
    case 0x8100:
      return "VLAN";
    case 0x8137:
      return "IPX";
    case 0x86dd:
      return "IPv6";
    case 0x8808:
      return "PAUSE";
    case 0x8809:
      return "LACP";
    case 0x8847:
      return "MPLS";
    case 0x8848:
      return "MPLS";
    case 0x8863:
      return "PPPoE-D";
    case 0x8864:
      return "PPPoE-S";
    case 0x888e:
      return "EAPOL";
    case 0x8892:
      return "PROFINET";
    case 0x88a2:
      return "AoE";
    case 0x88a4:
      return "EtherCAT";
    case 0x88a8:
      return "QinQ";
    case 0x88b8:
      return "GOOSE";
    case 0x88ba:
      return "SV";
    case 0x88c7:
      return "RSN-PREAUTH";
    case 0x88cc:
      return "LLDP";
    case 0x88e1:
      return "HomePlug-AV";
    case 0x88e3:
      return "MRP";
    case 0x88e5:
      return "MACsec";
    case 0x88e7:
      return "PBB";
    case 0x88f7:
      return "PTP";
    case 0x88fb:
      return "PRP";
    case 0x8902:
      return "CFM";
    case 0x8906:
      return "FCoE";
    case 0x8914:
      return "FIP";
    case 0x892f:
      return "HSR";
    case 0x893a:
      return "IEEE1905";
    case 0x9000:
      return "LOOP";
    case 0x9100:
      return "QinQ";
    case 0x9200:
      return "QinQ";
    default:
      return ethertype_hex_name(type);
  }
}

std::string_view protocol_name(const PacketView& v) noexcept {
  switch (v.net) {
    case NetLayer::kIpv4:
    case NetLayer::kIpv6:
      return ip_protocol_name(v.ip_proto);
    case NetLayer::kArp:
      return "ARP";
    case NetLayer::kOther:
      return ethertype_name(v.ethertype);
    case NetLayer::kNone:
      break;
  }
  // No network layer was decoded: name what is known of the frame.
  if (v.anomalies.has(Anomaly::kUnknownLinkType) || v.ethertype == 0) return "UNKNOWN";
  return ethertype_name(v.ethertype);
}

}  // namespace nta
