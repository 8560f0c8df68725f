// The `nta stats` tables: every section present when it has data, nothing wider than 100 columns.
#include "output/stats_printer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "output/progress_bar.h"
#include "output/text_table.h"
#include "stats_test_packets.h"

namespace nta {
namespace {

using test::kEpoch;
using test::kSecond;
using test::tcp_packet;
using test::udp_packet;

std::string render(const TrafficStats& s, const StatsContext& ctx) {
  char path[] = "/tmp/nta_stats_printer_XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  {
    BufferedWriter out(path);
    print_stats(out, s, ctx);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  return text.str();
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) widest = std::max(widest, line.size());
  return widest;
}

TEST(StatsPrinter, PrintsEverySectionWithinOneHundredColumns) {
  TrafficStats s;
  const char* v6a = "2001:db8:1234:5678:9abc:def0:1234:5678";
  const char* v6b = "2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa";
  for (int i = 0; i < 50; ++i) {
    s.add(tcp_packet(v6a, 40000, v6b, 443, tcpflag::kAck, 1514, kEpoch + i * kSecond));
    s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 22, tcpflag::kPsh | tcpflag::kAck, 200,
                     kEpoch + i * kSecond));
    s.add(udp_packet("10.0.0.1", 40000, "10.0.0.3", 53, 80, kEpoch + i * kSecond));
  }
  s.add_flow_state("SF");
  s.add_flow_state("OTH");
  s.add_flow_service("ssl", 10, 10000);
  StatsContext ctx;
  ctx.inputs.push_back({"capture.pcap", "Ethernet"});
  ctx.filter = "tcp or udp";
  const std::string text = render(s, ctx);
  for (const char* title :
       {"=== Traffic statistics ===", "Protocols", "Top talkers by bytes", "Top talkers by packets",
        "Top destination ports", "Services by well-known port", "Services by content", "Top conversations",
        "Throughput per second", "Busiest seconds", "Packet sizes", "TCP flags", "Flows by state",
        "Decode anomalies: none", "Filter:      tcp or udp", "tcp/443", "ssl", "normal establishment"}) {
    EXPECT_NE(text.find(title), std::string::npos) << title << "\n" << text;
  }
  EXPECT_LE(widest_line(text), 100u) << text;
  // The long IPv6 pair does not fit side by side: B goes on its own line under A.
  EXPECT_NE(text.find(std::string("\n    ") + v6b + "\n"), std::string::npos) << text;
}

TEST(StatsPrinter, LeavesOutFlowSectionsUntilFed) {
  TrafficStats s;
  s.add(udp_packet("10.0.0.1", 40000, "10.0.0.3", 53, 80));
  const std::string text = render(s, StatsContext{});
  EXPECT_EQ(text.find("Flows by state"), std::string::npos);
  EXPECT_EQ(text.find("Services by content"), std::string::npos);
  EXPECT_EQ(text.find("TCP flags"), std::string::npos);  // no TCP
  EXPECT_NE(text.find("Top conversations by bytes (1 address pairs"), std::string::npos) << text;
  EXPECT_NE(text.find("  10.0.0.1  10.0.0.3"), std::string::npos) << text;
}

TEST(StatsPrinter, EmptyInputPrintsTotalsOnly) {
  const std::string text = render(TrafficStats{}, StatsContext{});
  EXPECT_NE(text.find("Packets:     0"), std::string::npos);
  EXPECT_EQ(text.find("Protocols"), std::string::npos);
  EXPECT_EQ(text.find("Throughput"), std::string::npos);
}

TEST(TextTable, AlignsColumnsByTheWidestCell) {
  TextTable t({{"name", Align::kLeft}, {"count"}});
  t.add_row({"a", "1"});
  t.add_row({"longer", "1,234"});
  std::string out;
  t.render(out);
  EXPECT_EQ(out,
            "  name    count\n"
            "  a           1\n"
            "  longer  1,234\n");
  EXPECT_EQ(t.width(), 15u);
}

TEST(FileProgress, LineFitsTheTerminalAndShowsTheParts) {
  const std::string line = FileProgress::render(500'000'000, 1'000'000'000, 1'234'567, 2.0, 100);
  EXPECT_LE(line.size(), 97u);  // room for the "^C" a terminal echoes
  EXPECT_EQ(line.front(), '[');
  EXPECT_NE(line.find(" 50.0%"), std::string::npos) << line;
  EXPECT_NE(line.find("500 MB / 1.00 GB"), std::string::npos) << line;
  // Fixed-width parts: the bar does not jitter as the numbers change.
  EXPECT_EQ(line.size(), FileProgress::render(1, 1'000'000'000, 1, 0.5, 100).size());
  EXPECT_NE(line.find("1,234,567 packets"), std::string::npos) << line;
  EXPECT_NE(line.find("617.3 kpkt/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA    0:02"), std::string::npos) << line;
  for (std::size_t columns : {20u, 40u, 60u, 80u, 200u}) {
    EXPECT_LE(FileProgress::render(1, 2, 3, 1.0, columns).size(), columns - 3) << columns;
  }
}

TEST(FileProgress, DisabledWhenStandardErrorIsNoTerminalOrInputIsStdin) {
  // Under ctest standard error is a file or pipe.
  if (::isatty(STDERR_FILENO) == 0) {
    EXPECT_FALSE(FileProgress({NTA_SOURCE_DIR "/samples/sample.pcap"}, false).enabled());
  }
  EXPECT_FALSE(FileProgress({"-"}, false).enabled());
  EXPECT_FALSE(FileProgress({}, false).enabled());
}

}  // namespace
}  // namespace nta
