#include "synth/attack_kind.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"
#include "synth/attack_plan.h"

namespace nta {
namespace {

TEST(AttackKinds, AllListsEveryKindOnceInOrder) {
  const auto kinds = parse_attack_kinds("all");
  ASSERT_EQ(kinds.size(), 19u);
  for (std::size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(static_cast<std::size_t>(kinds[i]), i);
}

TEST(AttackKinds, ListsComeBackInCanonicalOrderWithoutRepeats) {
  const auto kinds = parse_attack_kinds("syn_flood, port_scan_syn,syn_flood");
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0], AttackKind::kPortScanSyn);
  EXPECT_EQ(kinds[1], AttackKind::kSynFlood);
}

TEST(AttackKinds, IdsAndDetectorsAreTheDocumentedOnes) {
  const std::set<std::string> detectors{"port_scan", "horizontal_scan", "ping_sweep",  "syn_flood",
                                        "udp_flood", "icmp_flood",      "brute_force", "dns_tunnel",
                                        "arp_spoof", "exfiltration",    "beaconing"};
  std::set<std::string> ids;
  std::set<std::string> used;
  for (const AttackKindInfo& k : attack_kinds()) {
    EXPECT_EQ(detectors.count(std::string(k.detector)), 1u) << k.id;
    used.insert(std::string(k.detector));
    ids.insert(std::string(k.id));
    EXPECT_EQ(find_attack_kind(k.id), k.kind);
    EXPECT_EQ(&attack_info(k.kind), &k);
  }
  EXPECT_EQ(used, detectors);
  EXPECT_EQ(ids.size(), 19u);
  for (const char* id : {"port_scan_syn", "port_scan_connect", "port_scan_fin", "port_scan_xmas",
                         "port_scan_null", "port_scan_udp", "horizontal_scan", "ping_sweep", "syn_flood",
                         "syn_flood_spoofed", "udp_flood", "icmp_flood", "brute_force_ssh", "brute_force_ftp",
                         "brute_force_rdp", "dns_tunnel", "arp_spoof", "exfiltration", "beaconing"}) {
    EXPECT_EQ(ids.count(id), 1u) << id;
  }
}

TEST(AttackKinds, UnknownOrEmptyNamesAreUsageErrorsThatListTheKinds) {
  for (const char* bad : {"port_scan", "syn_flood,nope", "", "syn_flood,,icmp_flood"}) {
    try {
      (void)parse_attack_kinds(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      const std::string what = e.what();
      EXPECT_NE(what.find("beaconing"), std::string::npos) << what;
      EXPECT_NE(what.find("port_scan_syn"), std::string::npos) << what;
    }
  }
}

TEST(AttackKinds, HelpNamesEveryKindAndItsDetector) {
  const std::string help = attack_kinds_help();
  for (const AttackKindInfo& k : attack_kinds()) {
    const auto line = help.find(std::string(k.id) + " ");
    ASSERT_NE(line, std::string::npos) << k.id;
    EXPECT_NE(help.find(std::string(k.detector), line), std::string::npos) << k.id;
  }
}

TEST(AttackKinds, TruthFileSitsBesideTheCapture) {
  EXPECT_EQ(default_truth_path("out/run.pcap"), "out/run.truth.csv");
  EXPECT_EQ(default_truth_path("run.pcapng"), "run.truth.csv");
  EXPECT_EQ(default_truth_path("a.b.pcap"), "a.b.truth.csv");
  EXPECT_EQ(default_truth_path("run"), "run.truth.csv");
  EXPECT_EQ(default_truth_path("dir.d/run"), "dir.d/run.truth.csv");
  EXPECT_EQ(default_truth_path("dir/.hidden"), "dir/.hidden.truth.csv");
}

}  // namespace
}  // namespace nta
