#include <gtest/gtest.h>

#include "frame_builder.h"

namespace nta::test {
namespace {

PacketView ip_view(std::uint8_t proto, NetLayer net = NetLayer::kIpv4) {
  PacketView v;
  v.net = net;
  v.ip_proto = proto;
  return v;
}

PacketView other_view(std::uint16_t type) {
  PacketView v;
  v.net = NetLayer::kOther;
  v.ethertype = type;
  return v;
}

TEST(ProtocolName, TransportProtocols) {
  EXPECT_EQ(protocol_name(ip_view(6)), "TCP");
  EXPECT_EQ(protocol_name(ip_view(17, NetLayer::kIpv6)), "UDP");
  EXPECT_EQ(protocol_name(ip_view(1)), "ICMP");
  EXPECT_EQ(protocol_name(ip_view(58, NetLayer::kIpv6)), "ICMPv6");
  EXPECT_EQ(protocol_name(ip_view(132)), "SCTP");
}

TEST(ProtocolName, IanaKeywords) {
  EXPECT_EQ(protocol_name(ip_view(0)), "HOPOPT");
  EXPECT_EQ(protocol_name(ip_view(2)), "IGMP");
  EXPECT_EQ(protocol_name(ip_view(4)), "IPv4");
  EXPECT_EQ(protocol_name(ip_view(41)), "IPv6");
  EXPECT_EQ(protocol_name(ip_view(47)), "GRE");
  EXPECT_EQ(protocol_name(ip_view(50)), "ESP");
  EXPECT_EQ(protocol_name(ip_view(51)), "AH");
  EXPECT_EQ(protocol_name(ip_view(59, NetLayer::kIpv6)), "IPv6-NoNxt");
  EXPECT_EQ(protocol_name(ip_view(89)), "OSPF");
  EXPECT_EQ(protocol_name(ip_view(103)), "PIM");
  EXPECT_EQ(protocol_name(ip_view(112)), "VRRP");
  EXPECT_EQ(protocol_name(ip_view(115)), "L2TP");
  EXPECT_EQ(protocol_name(ip_view(136)), "UDPLite");
}

TEST(ProtocolName, UnnamedIpProtocolsAreNumbered) {
  EXPECT_EQ(protocol_name(ip_view(7)), "IP-7");
  EXPECT_EQ(protocol_name(ip_view(99)), "IP-99");
  EXPECT_EQ(protocol_name(ip_view(253)), "IP-253");
  EXPECT_EQ(protocol_name(ip_view(255)), "IP-255");
  for (int n = 0; n < 256; ++n) {
    const std::string_view name = ip_protocol_name(static_cast<std::uint8_t>(n));
    EXPECT_FALSE(name.empty());
    if (name.substr(0, 3) == "IP-") {
      EXPECT_EQ(name, "IP-" + std::to_string(n));
    }
  }
}

TEST(ProtocolName, ArpAndEthertypes) {
  PacketView arp_view;
  arp_view.net = NetLayer::kArp;
  arp_view.ethertype = 0x0806;
  EXPECT_EQ(protocol_name(arp_view), "ARP");
  EXPECT_EQ(protocol_name(other_view(0x88cc)), "LLDP");
  EXPECT_EQ(protocol_name(other_view(0x888e)), "EAPOL");
  EXPECT_EQ(protocol_name(other_view(0x8863)), "PPPoE-D");
  EXPECT_EQ(protocol_name(other_view(0x8864)), "PPPoE-S");
  EXPECT_EQ(protocol_name(other_view(0x8035)), "RARP");
  EXPECT_EQ(protocol_name(other_view(0x8137)), "IPX");
  EXPECT_EQ(protocol_name(other_view(0x9000)), "LOOP");
  EXPECT_EQ(protocol_name(other_view(0x88f7)), "PTP");
  EXPECT_EQ(protocol_name(other_view(0)), "LLC");
}

TEST(ProtocolName, UnnamedEthertypesAreHex) {
  EXPECT_EQ(protocol_name(other_view(0x1234)), "ETH-0x1234");
  EXPECT_EQ(protocol_name(other_view(0xabcd)), "ETH-0xabcd");
  EXPECT_EQ(protocol_name(other_view(0xffff)), "ETH-0xffff");
  EXPECT_EQ(protocol_name(other_view(0x0600)), "ETH-0x0600");
  // Views of static storage: the same bytes every time.
  EXPECT_EQ(protocol_name(other_view(0x1234)).data(), protocol_name(other_view(0x1234)).data());
}

TEST(ProtocolName, NothingDecoded) {
  const auto unknown = decode_bytes(zeros(40), static_cast<LinkType>(147));
  EXPECT_EQ(protocol_name(*unknown), "UNKNOWN");
  const auto runt = decode_bytes(zeros(6));
  EXPECT_EQ(protocol_name(*runt), "UNKNOWN");
  // A cut VLAN tag: named by the last ethertype seen.
  const auto vlan = decode_bytes(eth(0x8100) + be16(1));
  EXPECT_EQ(protocol_name(*vlan), "VLAN");
}

TEST(ProtocolName, DecodedFrames) {
  EXPECT_EQ(protocol_name(*decode_bytes(eth(0x88cc) + zeros(40))), "LLDP");
  EXPECT_EQ(protocol_name(*decode_bytes(eth(0x8035) + zeros(28))), "RARP");
  EXPECT_EQ(protocol_name(*decode_bytes(eth(0x0800) + ipv4(2, kIpA, kIpB, zeros(8)))), "IGMP");
  EXPECT_EQ(protocol_name(*decode_bytes(eth(0x0800) + ipv4(200, kIpA, kIpB, zeros(8)))), "IP-200");
  // A later fragment is named by its protocol.
  EXPECT_EQ(protocol_name(*decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, zeros(8), {.frag = 10}))), "TCP");
}

}  // namespace
}  // namespace nta::test
