// The rules file: defaults, round trip, and refusals that name the file and line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/error.h"
#include "detect/rules_config.h"

namespace nta {
namespace {

// The message of the error parse_rules throws, or "" when it parses.
std::string refusal(std::string_view text) {
  try {
    (void)parse_rules(text, "my.rules");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    return e.what();
  }
  return {};
}

TEST(RulesConfig, EmptyTextGivesTheDefaults) {
  const RulesConfig r = parse_rules("", "x");
  EXPECT_EQ(r.port_scan.min_ports, 15u);
  EXPECT_TRUE(r.port_scan.enabled);
  EXPECT_DOUBLE_EQ(r.global.throttle_seconds, 300);
  EXPECT_TRUE(r.brute_force.ports.contains(22));
  EXPECT_FALSE(r.brute_force.ports.contains(443));
  IpAddress a;
  parse_ip("192.168.3.4", a);
  EXPECT_TRUE(r.global.inside_networks.contains(a));
  parse_ip("8.8.8.8", a);
  EXPECT_FALSE(r.global.inside_networks.contains(a));
}

TEST(RulesConfig, ValuesCommentsAndListsAreRead) {
  const RulesConfig r = parse_rules(
      "# tuned for a lab\n"
      "[port_scan]\n"
      "min_ports = 40   # fewer alerts\n"
      "enabled = true\n"
      "\n"
      "[brute_force]\n"
      "ports = 22, 2222, 8000-8002\n"
      "max_connection_seconds = 12.5\n"
      "[global]\n"
      "inside_networks = 10.0.0.0/8, 2001:db8::/32\n"
      "[beaconing]\n"
      "enabled = false\n",
      "lab.rules");
  EXPECT_EQ(r.port_scan.min_ports, 40u);
  EXPECT_TRUE(r.brute_force.ports.contains(2222));
  EXPECT_TRUE(r.brute_force.ports.contains(8001));
  EXPECT_FALSE(r.brute_force.ports.contains(21));
  EXPECT_DOUBLE_EQ(r.brute_force.max_connection_seconds, 12.5);
  EXPECT_FALSE(r.beaconing.enabled);
  IpAddress a;
  parse_ip("192.168.1.1", a);
  EXPECT_FALSE(r.global.inside_networks.contains(a));
  parse_ip("2001:db8:5::1", a);
  EXPECT_TRUE(r.global.inside_networks.contains(a));
}

TEST(RulesConfig, DefaultsTextRoundTrips) {
  const std::string text = default_rules_text();
  const RulesConfig r = parse_rules(text, "defaults");
  EXPECT_EQ(rules_text(r), text);
  // Every detector has a section.
  for (const char* s : {"[global]", "[port_scan]", "[horizontal_scan]", "[ping_sweep]", "[syn_flood]", "[udp_flood]",
                        "[icmp_flood]", "[brute_force]", "[dns_tunnel]", "[arp_spoof]", "[exfiltration]", "[beaconing]",
                        "[unexpected_service]", "[unknown_host]", "[risky_service]"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s;
  }
}

TEST(RulesConfig, ChangedValuesRoundTrip) {
  const RulesConfig r = parse_rules("[syn_flood]\nmin_rate = 12.25\n[udp_flood]\nreflection_ports = 53, 123\n", "x");
  const RulesConfig again = parse_rules(rules_text(r), "y");
  EXPECT_DOUBLE_EQ(again.syn_flood.min_rate, 12.25);
  EXPECT_EQ(again.udp_flood.reflection_ports.to_string(), "53, 123");
}

TEST(RulesConfig, SeveritiesParseAndRoundTrip) {
  const RulesConfig d;
  EXPECT_EQ(d.unexpected_service.severity, Severity::kMedium);
  EXPECT_EQ(d.unknown_host.severity, Severity::kLow);
  EXPECT_EQ(d.risky_service.severity, Severity::kMedium);
  EXPECT_NE(default_rules_text().find("[unknown_host]\n# With --db"), std::string::npos);
  const RulesConfig r = parse_rules("[risky_service]\nseverity = high\n[unknown_host]\nenabled = false\n", "x");
  EXPECT_EQ(r.risky_service.severity, Severity::kHigh);
  EXPECT_FALSE(r.unknown_host.enabled);
  EXPECT_EQ(parse_rules(rules_text(r), "y").risky_service.severity, Severity::kHigh);
  EXPECT_EQ(refusal("[risky_service]\nseverity = severe\n"),
            "my.rules:2: bad value 'severe' for severity: expected low, medium, high or critical");
}

TEST(RulesConfig, UnknownSectionIsRefusedWithFileAndLine) {
  const std::string m = refusal("[port_scan]\nmin_ports = 3\n\n[port_scn]\n");
  EXPECT_EQ(m.rfind("my.rules:4: unknown section [port_scn] (known: global, port_scan,", 0), 0u) << m;
}

TEST(RulesConfig, UnknownKeyIsRefused) {
  const std::string m = refusal("[port_scan]\nmin_port = 3\n");
  EXPECT_EQ(m.rfind("my.rules:2: unknown key 'min_port' in [port_scan] (known: enabled, window_seconds, min_ports", 0),
            0u)
      << m;
}

TEST(RulesConfig, BadValuesAreRefused) {
  EXPECT_EQ(refusal("[port_scan]\nmin_ports = many\n"), "my.rules:2: bad value 'many' for min_ports: expected a whole number");
  EXPECT_EQ(refusal("[port_scan]\nmin_ports = -3\n"), "my.rules:2: bad value '-3' for min_ports: expected a whole number");
  EXPECT_EQ(refusal("[port_scan]\nmin_ports = 1\n"),
            "my.rules:2: bad value '1' for min_ports: expected a whole number from 2 to 65536");
  EXPECT_EQ(refusal("[port_scan]\nenabled = yes\n"), "my.rules:2: bad value 'yes' for enabled: expected true or false");
  EXPECT_EQ(refusal("[syn_flood]\nmax_completed_share = 1.5\n"),
            "my.rules:2: bad value '1.5' for max_completed_share: expected a number from 0 to 1");
  EXPECT_EQ(refusal("[syn_flood]\nmin_rate = nan\n"), "my.rules:2: bad value 'nan' for min_rate: expected a number");
  EXPECT_EQ(refusal("[brute_force]\nports = 22, 70000\n"),
            "my.rules:2: bad value '22, 70000' for ports: '70000' is not a port (0-65535) or a range of ports (a-b)");
  EXPECT_EQ(refusal("[global]\ninside_networks = 10.0.0.0/33\n"),
            "my.rules:2: bad value '10.0.0.0/33' for inside_networks: '10.0.0.0/33' has a bad prefix length (0..32)");
  EXPECT_EQ(refusal("[port_scan]\nmin_ports =\n"), "my.rules:2: bad value '' for min_ports: expected a whole number");
}

TEST(RulesConfig, BadSyntaxIsRefusedWithTheLine) {
  EXPECT_EQ(refusal("# ok\n[port_scan]\nmin_ports 40\n"),
            "my.rules:3: expected 'key = value' or '[section]', not 'min_ports 40'");
  EXPECT_EQ(refusal("[port_scan\n"), "my.rules:1: a section header must look like [name], not '[port_scan'");
  EXPECT_EQ(refusal("min_ports = 4\n"), "my.rules:1: 'min_ports' comes before any [section]");
  EXPECT_EQ(refusal("[port_scan]\n= 4\n"), "my.rules:2: a key is missing before '='");
  EXPECT_EQ(refusal("[port_scan]\nmin_ports = 20\nmin_ports = 30\n"), "my.rules:3: 'min_ports' is set twice in [port_scan]");
  EXPECT_EQ(refusal("[port_scan]\n[ping_sweep]\n[port_scan]\n"), "my.rules:3: section [port_scan] appears twice");
}

TEST(RulesConfig, WindowsLineEndingsAreAccepted) {
  const RulesConfig r = parse_rules("[port_scan]\r\nmin_ports = 21\r\n", "x");
  EXPECT_EQ(r.port_scan.min_ports, 21u);
}

TEST(RulesConfig, LoadRulesReadsAFileAndNamesAMissingOne) {
  const std::string path = ::testing::TempDir() + "/detect_rules_test.rules";
  {
    std::ofstream f(path);
    f << "[ping_sweep]\nmin_hosts = 7\n";
  }
  EXPECT_EQ(load_rules(path).ping_sweep.min_hosts, 7u);
  std::remove(path.c_str());
  try {
    (void)load_rules(path);
    FAIL() << "a missing file must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

}  // namespace
}  // namespace nta
