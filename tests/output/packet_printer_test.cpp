#include "output/packet_printer.h"

#include <gtest/gtest.h>

#include <string>

namespace nta {
namespace {

std::string endpoint(const PacketView& v, bool source) {
  char buf[128];
  return {buf, format_endpoint(v, source, buf)};
}

TEST(PacketPrinter, EndpointsShowPortsAndBracketIpv6) {
  PacketView v;
  v.net = NetLayer::kIpv6;
  parse_ip("2001:db8::1", v.src_ip);
  parse_ip("10.1.2.3", v.dst_ip);
  v.has_ports = true;
  v.src_port = 443;
  v.dst_port = 8080;
  EXPECT_EQ(endpoint(v, true), "[2001:db8::1]:443");
  EXPECT_EQ(endpoint(v, false), "10.1.2.3:8080");
  v.has_ports = false;
  EXPECT_EQ(endpoint(v, true), "2001:db8::1");
}

TEST(PacketPrinter, NonIpFramesShowMacAddresses) {
  PacketView v;
  v.net = NetLayer::kOther;
  v.has_mac = true;
  v.src_mac = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x0c};
  EXPECT_EQ(endpoint(v, true), "00:1b:21:aa:bb:0c");
  v.has_mac = false;
  EXPECT_EQ(endpoint(v, true), "-");
}

}  // namespace
}  // namespace nta
