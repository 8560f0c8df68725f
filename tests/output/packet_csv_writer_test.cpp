#include "output/packet_csv_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nta {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string(name) + std::to_string(getpid()))).string();
}

PacketView tcp_packet() {
  PacketView v;
  v.ts = Timestamp{1708353045'123456789LL};
  v.wire_len = 1420;
  v.net = NetLayer::kIpv4;
  parse_ip("192.168.1.100", v.src_ip);
  parse_ip("142.250.80.78", v.dst_ip);
  v.ip_proto = ipproto::kTcp;
  v.has_ports = true;
  v.has_l4 = true;
  v.src_port = 52341;
  v.dst_port = 443;
  return v;
}

TEST(PacketCsvWriter, WritesHeaderAndOneRowPerPacket) {
  const std::string path = temp_path("nta_csv_");
  {
    PacketCsvWriter w(path);
    w.write(tcp_packet());
    PacketView icmp = tcp_packet();
    icmp.ip_proto = ipproto::kIcmp;
    icmp.has_ports = false;
    icmp.wire_len = 98;
    icmp.ts.ns += 1'000'000'000;  // next second: the cached date prefix must change
    w.write(icmp);
    w.flush();
    EXPECT_EQ(w.rows(), 2u);
  }
  EXPECT_EQ(read_all(path),
            "timestamp,src_ip,dst_ip,src_port,dst_port,protocol,length\n"
            "2024-02-19T14:30:45.123456Z,192.168.1.100,142.250.80.78,52341,443,TCP,1420\n"
            "2024-02-19T14:30:46.123456Z,192.168.1.100,142.250.80.78,,,ICMP,98\n");
  std::filesystem::remove(path);
}

TEST(PacketCsvWriter, WritesIpv6AndArpAndNonIpRows) {
  const std::string path = temp_path("nta_csv6_");
  {
    PacketCsvWriter w(path);
    PacketView v6 = tcp_packet();
    v6.net = NetLayer::kIpv6;
    parse_ip("2001:db8::1", v6.src_ip);
    parse_ip("2001:db8::2", v6.dst_ip);
    v6.ip_proto = ipproto::kUdp;
    v6.src_port = 53;
    v6.dst_port = 40000;
    w.write(v6);
    PacketView arp;
    arp.ts = Timestamp{0};
    arp.wire_len = 60;
    arp.net = NetLayer::kArp;
    parse_ip("10.0.0.1", arp.src_ip);
    parse_ip("10.0.0.2", arp.dst_ip);
    w.write(arp);
  }
  const std::string text = read_all(path);
  EXPECT_NE(text.find("2024-02-19T14:30:45.123456Z,2001:db8::1,2001:db8::2,53,40000,UDP,1420\n"),
            std::string::npos);
  EXPECT_NE(text.find("1970-01-01T00:00:00.000000Z,10.0.0.1,10.0.0.2,,,ARP,60\n"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(PacketCsvWriter, ManyRowsSurviveBufferFlushes) {
  const std::string path = temp_path("nta_csvmany_");
  constexpr int kRows = 100'000;  // several 1 MiB buffers
  {
    PacketCsvWriter w(path);
    PacketView v = tcp_packet();
    for (int i = 0; i < kRows; ++i) {
      v.ts.ns += 1000;
      w.write(v);
    }
  }
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, kRows + 1);
  std::filesystem::remove(path);
}

TEST(PacketCsvWriter, UnwritablePathThrowsWithThePath) {
  try {
    PacketCsvWriter w("/nonexistent-dir/x.csv");
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.csv"), std::string::npos);
  }
}

}  // namespace
}  // namespace nta
