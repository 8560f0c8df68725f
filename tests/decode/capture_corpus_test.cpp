// The decoder on the real captures in ../shared/data/pcaps (skipped when they are absent): every
// packet decodes without error under the sanitizers, and captures with a known content give the
// decoded values they are known to hold.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <map>

#include "capture_file.h"
#include "frame_builder.h"

namespace nta::test {
namespace {

namespace fs = std::filesystem;

const fs::path kPcaps = fs::path(NTA_SHARED_DATA_DIR) / "pcaps";

struct Tally {
  std::size_t packets = 0;
  std::array<std::size_t, kAnomalyCount> anomalies{};
  std::map<std::string, std::size_t> protocols;
  std::size_t ipv4 = 0, ipv6 = 0, arp = 0, other = 0, with_ports = 0, tunnels = 0, fragments = 0;
  std::size_t max_vlans = 0, mpls = 0;

  [[nodiscard]] std::size_t count(Anomaly a) const { return anomalies[static_cast<std::size_t>(a)]; }
  [[nodiscard]] std::size_t named(const std::string& name) const {
    const auto it = protocols.find(name);
    return it == protocols.end() ? 0 : it->second;
  }
};

Tally decode_file(const fs::path& path) {
  Tally t;
  for (const CapturedFrame& f : read_capture_file(path.string())) {
    RawPacket pkt;
    pkt.link = f.link;
    pkt.wire_len = f.wire_len;
    pkt.data = f.data;
    const PacketView v = decode(pkt);
    ++t.packets;
    for (int i = 0; i < kAnomalyCount; ++i) {
      if (v.anomalies.has(static_cast<Anomaly>(i))) ++t.anomalies[static_cast<std::size_t>(i)];
    }
    ++t.protocols[std::string(protocol_name(v))];
    t.ipv4 += v.net == NetLayer::kIpv4;
    t.ipv6 += v.net == NetLayer::kIpv6;
    t.arp += v.net == NetLayer::kArp;
    t.other += v.net == NetLayer::kOther;
    t.with_ports += v.has_ports;
    t.tunnels += v.tunnel != TunnelKind::kNone;
    t.fragments += v.is_fragment;
    t.max_vlans = std::max<std::size_t>(t.max_vlans, v.vlan_count);
    t.mpls += v.mpls_labels > 0;
    // Spans stay inside the frame.
    if (!v.l4_payload.empty()) {
      EXPECT_GE(v.l4_payload.data(), f.data.data());
      EXPECT_LE(v.l4_payload.data() + v.l4_payload.size(), f.data.data() + f.data.size());
    }
  }
  return t;
}

fs::path capture(const std::string& rel) {
  const fs::path p = kPcaps / rel;
  return p;
}

#define NTA_REQUIRE_CAPTURE(path) \
  if (!fs::exists(path)) GTEST_SKIP() << path << " not present"

TEST(CaptureCorpus, EveryCaptureDecodes) {
  if (!fs::exists(kPcaps)) GTEST_SKIP() << kPcaps << " not present";
  std::size_t files = 0, packets = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kPcaps)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".pcap" && ext != ".pcapng")) continue;
    const Tally t = decode_file(entry.path());
    ++files;
    packets += t.packets;
    std::string summary;
    for (int i = 0; i < kAnomalyCount; ++i) {
      if (t.anomalies[static_cast<std::size_t>(i)] == 0) continue;
      summary.append(" ").append(anomaly_name(static_cast<Anomaly>(i))).append("=");
      summary.append(std::to_string(t.anomalies[static_cast<std::size_t>(i)]));
    }
    std::printf("%-60s %6zu pkts%s\n", entry.path().lexically_relative(kPcaps).c_str(), t.packets,
                summary.c_str());
    // Benign captures decode to a network layer (almost) always.
    if (entry.path().parent_path().filename() == "benign") {
      EXPECT_EQ(t.count(Anomaly::kUnknownLinkType), 0u) << entry.path();
      EXPECT_GE(t.ipv4 + t.ipv6 + t.arp + t.other, t.packets * 99 / 100) << entry.path();
    }
  }
  EXPECT_GT(files, 50u);
  EXPECT_GT(packets, 100000u);
}

TEST(CaptureCorpus, ArubaGreIsKeptAsTheOuterPacket) {
  const auto path = capture("benign/gre_aruba_tunnel.pcap");
  NTA_REQUIRE_CAPTURE(path);
  const Tally t = decode_file(path);
  EXPECT_EQ(t.packets, 2407u);
  EXPECT_GT(t.count(Anomaly::kGreUnsupported), 2000u);
  EXPECT_GT(t.named("GRE"), 2000u);
  EXPECT_EQ(t.tunnels, 0u);
}

TEST(CaptureCorpus, TripleVlanTags) {
  const auto path = capture("benign/vlan_qinqinq.pcap");
  NTA_REQUIRE_CAPTURE(path);
  const Tally t = decode_file(path);
  EXPECT_EQ(t.max_vlans, 3u);
  EXPECT_EQ(t.ipv4 + t.ipv6, t.packets);
}

TEST(CaptureCorpus, VlanAndMpls) {
  const auto path = capture("benign/vlan_mixed_mpls.pcap");
  NTA_REQUIRE_CAPTURE(path);
  const Tally t = decode_file(path);
  EXPECT_GT(t.mpls, 0u);
  EXPECT_GT(t.max_vlans, 0u);
  EXPECT_EQ(t.ipv4 + t.ipv6, t.packets);
}

TEST(CaptureCorpus, LinuxCookedV2AndRawIp) {
  const auto sll2 = capture("benign/sll2_linux_cooked_v2.pcap");
  const auto raw = capture("benign/rawip_ocs.pcap");
  NTA_REQUIRE_CAPTURE(sll2);
  NTA_REQUIRE_CAPTURE(raw);
  const Tally a = decode_file(sll2);
  EXPECT_EQ(a.packets, 159u);
  EXPECT_GT(a.named("TCP"), 100u);
  const Tally b = decode_file(raw);
  EXPECT_EQ(b.packets, 946u);
  EXPECT_EQ(b.ipv4 + b.ipv6, b.packets);
  EXPECT_EQ(b.with_ports, b.packets - b.named("ICMP") - b.named("ICMPv6"));
}

TEST(CaptureCorpus, Ipv6FragmentsAndEsp) {
  const auto frag = capture("benign/dns_ipv6_fragmented.pcap");
  const auto esp = capture("benign/ipv6_esp.pcap");
  NTA_REQUIRE_CAPTURE(frag);
  NTA_REQUIRE_CAPTURE(esp);
  const Tally a = decode_file(frag);
  EXPECT_GT(a.fragments, 0u);
  EXPECT_GT(a.count(Anomaly::kIpv6Fragment), 0u);
  const Tally b = decode_file(esp);
  EXPECT_GT(b.named("ESP"), 0u);
}

TEST(CaptureCorpus, ArpCaptures) {
  const auto path = capture("attacks/arp_scan.pcap");
  NTA_REQUIRE_CAPTURE(path);
  const Tally t = decode_file(path);
  EXPECT_GT(t.arp, 400u);
  EXPECT_EQ(t.count(Anomaly::kArpTruncated) + t.count(Anomaly::kArpBadSizes), 0u);
}

}  // namespace
}  // namespace nta::test
