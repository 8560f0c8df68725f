#include "scan/nmap_runner.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace nta {
namespace {

NmapCommand command(std::vector<std::string> targets, ScanProfile profile, std::string ports = "", bool root = false) {
  NmapCommand c;
  for (const std::string& t : targets) c.targets.push_back(validate_target(t));
  c.profile = profile;
  c.ports = std::move(ports);
  c.xml_path = "/var/lib/nta/nta-scan.xml";
  c.privileged = root;
  return c;
}

using Argv = std::vector<std::string>;

TEST(NmapRunner, ProfilesBuildTheDocumentedArguments) {
  EXPECT_EQ(plan_nmap(command({"10.0.0.1"}, ScanProfile::kQuick)).argv,
            (Argv{"nmap", "-T4", "-F", "--noninteractive", "-oX", "/var/lib/nta/nta-scan.xml", "--", "10.0.0.1"}));
  EXPECT_EQ(plan_nmap(command({"10.0.0.0/24", "web.test"}, ScanProfile::kStandard)).argv,
            (Argv{"nmap", "-sV", "-T4", "--noninteractive", "-oX", "/var/lib/nta/nta-scan.xml", "--", "10.0.0.0/24",
                  "web.test"}));
  const NmapPlan full_root = plan_nmap(command({"10.0.0.1"}, ScanProfile::kFull, "", true));
  EXPECT_EQ(full_root.argv, (Argv{"nmap", "-sV", "-O", "-T4", "-p-", "--noninteractive", "-oX",
                                  "/var/lib/nta/nta-scan.xml", "--", "10.0.0.1"}));
  EXPECT_TRUE(full_root.notes.empty());
  const NmapPlan full_user = plan_nmap(command({"10.0.0.1"}, ScanProfile::kFull));
  EXPECT_EQ(std::count(full_user.argv.begin(), full_user.argv.end(), "-O"), 0);
  ASSERT_EQ(full_user.notes.size(), 1u);
  EXPECT_NE(full_user.notes[0].find("needs root"), std::string::npos);
}

TEST(NmapRunner, PortsReplaceTheProfilesChoice) {
  EXPECT_EQ(plan_nmap(command({"127.0.0.1"}, ScanProfile::kQuick, "22,80,8000-8100")).argv,
            (Argv{"nmap", "-T4", "-p22,80,8000-8100", "--noninteractive", "-oX", "/var/lib/nta/nta-scan.xml", "--",
                  "127.0.0.1"}));
  const Argv full = plan_nmap(command({"127.0.0.1"}, ScanProfile::kFull, "443", true)).argv;
  EXPECT_EQ(std::count(full.begin(), full.end(), "-p-"), 0);
  EXPECT_EQ(std::count(full.begin(), full.end(), "-p443"), 1);
  const Argv udp = plan_nmap(command({"127.0.0.1"}, ScanProfile::kQuick, "T:22,U:53", true)).argv;
  EXPECT_EQ(std::count(udp.begin(), udp.end(), "-sU"), 1);
  EXPECT_EQ(std::count(udp.begin(), udp.end(), "-sS"), 1);
  const Argv udp_only = plan_nmap(command({"127.0.0.1"}, ScanProfile::kQuick, "U:53,161", true)).argv;
  EXPECT_EQ(std::count(udp_only.begin(), udp_only.end(), "-sS"), 0);
  try {
    (void)plan_nmap(command({"127.0.0.1"}, ScanProfile::kQuick, "U:53"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("need root"), std::string::npos);
  }
}

TEST(NmapRunner, Ipv6TargetsRunWithDashSixAndAlone) {
  const Argv v6 = plan_nmap(command({"2001:db8::1", "::1"}, ScanProfile::kQuick)).argv;
  EXPECT_EQ(std::count(v6.begin(), v6.end(), "-6"), 1);
  EXPECT_EQ(v6.back(), "::1");
  EXPECT_THROW((void)plan_nmap(command({"10.0.0.1", "::1"}, ScanProfile::kQuick)), Error);
  EXPECT_THROW((void)plan_nmap(command({}, ScanProfile::kQuick)), Error);
}

TEST(NmapRunner, PortSpecValidation) {
  for (const char* ok : {"22", "0", "65535", "1-1024", "22,80,443", "T:22,80,U:53", "U:53,T:1-100", "-"}) {
    EXPECT_NO_THROW(validate_port_spec(ok)) << ok;
  }
  for (const char* bad : {"", "65536", "80-22", "22,,80", "22,", ",22", "http", "22;id", "22 80", "-22", "22-",
                          "S:22", "X:1", "T:", "1-2-3", "99999999999", "-p", "--script=x", "22\n"}) {
    EXPECT_THROW(validate_port_spec(bad), Error) << bad;
  }
  EXPECT_THROW(validate_port_spec(std::string(2000, '1')), Error);
  EXPECT_TRUE(port_spec_has_udp("T:22,U:53"));
  EXPECT_FALSE(port_spec_has_udp("22"));
  EXPECT_TRUE(port_spec_has_tcp("U:53,T:22"));
  EXPECT_FALSE(port_spec_has_tcp("U:53,161"));
  EXPECT_TRUE(port_spec_has_tcp("22"));
}

TEST(NmapRunner, ProfileNames) {
  EXPECT_EQ(parse_scan_profile("quick"), ScanProfile::kQuick);
  EXPECT_EQ(parse_scan_profile("full"), ScanProfile::kFull);
  EXPECT_FALSE(parse_scan_profile("Full").has_value());
  EXPECT_EQ(to_string(ScanProfile::kStandard), "standard");
}

TEST(NmapRunner, MissingProgramIsNotFound) {
  try {
    (void)run_program({"nta-no-such-program-xyz", "-v"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("is not installed"), std::string::npos) << e.what();
  }
}

TEST(NmapRunner, ReportsExitStatusAndStderrWithoutAShell) {
  // The argument holding shell syntax reaches the program as one literal argument.
  const NmapRunResult r = run_program({"sh", "-c", "printf 'warn: %s\\n' \"$0\" >&2; exit 3", "$(touch /tmp/x);`id`"});
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.stderr_text, "warn: $(touch /tmp/x);`id`\n");
  const NmapRunResult killed = run_program({"sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(killed.signal, 15);
  const NmapRunResult chatty = run_program({"sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x >&2; echo out"});
  EXPECT_EQ(chatty.exit_status, 0);
  EXPECT_EQ(chatty.stderr_text.size(), 64u * 1024u) << "stderr is capped";
}

}  // namespace
}  // namespace nta
