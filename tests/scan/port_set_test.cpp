#include "scan/port_set.h"

#include <gtest/gtest.h>

#include "scan/host_diff.h"
#include "scan/risky_service.h"

namespace nta {
namespace {

TEST(PortSet, ParsesNmapListsAndMergesRanges) {
  const std::optional<PortSet> s = PortSet::parse("1,3-4,6-7,5,100-200,150-250,65535");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->to_string(), "1,3-7,100-250,65535");
  EXPECT_EQ(s->count(), 1u + 5u + 151u + 1u);
  EXPECT_TRUE(s->contains(1));
  EXPECT_FALSE(s->contains(2));
  EXPECT_TRUE(s->contains(5));
  EXPECT_TRUE(s->contains(250));
  EXPECT_FALSE(s->contains(251));
  EXPECT_TRUE(s->contains(65535));
  EXPECT_FALSE(s->contains(0));
  EXPECT_TRUE(PortSet::parse("")->empty());
  for (const char* bad : {"1,,2", "a", "5-3", "65536", "1-", "-1", " 1", "1;2"}) {
    EXPECT_FALSE(PortSet::parse(bad).has_value()) << bad;
  }
}

TEST(PortSet, HostileOrderIsSortedNotQuadratic) {
  std::string text;
  for (int p = 65535; p >= 1; p -= 2) {
    if (!text.empty()) text += ',';
    text += std::to_string(p);
  }
  const std::optional<PortSet> s = PortSet::parse(text);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->count(), 32768u);
  EXPECT_TRUE(s->contains(1));
  EXPECT_FALSE(s->contains(2));
  EXPECT_TRUE(s->contains(65535));
  EXPECT_EQ(s->ranges().size(), 32768u);
  EXPECT_EQ(PortSet::parse("10-20,1-5,4-12,30")->to_string(), "1-20,30");
}

ScannedPort port(const char* service, const char* product = "", const char* version = "") {
  ScannedPort p;
  p.port = 1;
  p.state = PortState::kOpen;
  p.service.name = service;
  p.service.product = product;
  p.service.version = version;
  return p;
}

const char* risk_id(const ScannedPort& p) {
  const RiskyService* r = find_risky_service(p);
  return r == nullptr ? "" : r->id.data();
}

TEST(RiskyService, MatchesTheDocumentedTable) {
  EXPECT_STREQ(risk_id(port("telnet")), "telnet");
  EXPECT_STREQ(risk_id(port("login")), "rlogin");
  EXPECT_STREQ(risk_id(port("ftp", "ProFTPD", "1.3.5")), "ftp");
  EXPECT_STREQ(risk_id(port("ftp", "vsftpd", "2.3.4")), "vsftpd_backdoor");
  EXPECT_STREQ(risk_id(port("ssh", "OpenSSH", "7.3p1")), "old_openssh");
  EXPECT_STREQ(risk_id(port("ssh", "OpenSSH", "7.4")), "");
  EXPECT_STREQ(risk_id(port("ssh", "OpenSSH", "8.9p1")), "");
  EXPECT_STREQ(risk_id(port("ssh", "OpenSSH", "")), "") << "unknown version: no claim";
  EXPECT_STREQ(risk_id(port("http", "Apache httpd", "2.2.34")), "old_apache");
  EXPECT_STREQ(risk_id(port("http", "Apache httpd", "2.4.41")), "");
  EXPECT_STREQ(risk_id(port("http", "Microsoft IIS httpd", "6.0")), "old_iis");
  EXPECT_STREQ(risk_id(port("netbios-ssn", "Samba smbd", "3.X - 4.X")), "") << "a range is not a known version";
  EXPECT_STREQ(risk_id(port("netbios-ssn", "Samba smbd", "3.6.25")), "old_samba");
  EXPECT_STREQ(risk_id(port("microsoft-ds", "Microsoft Windows XP microsoft-ds")), "smbv1");
  ScannedPort smb = port("microsoft-ds", "Microsoft Windows Server 2016");
  EXPECT_STREQ(risk_id(smb), "");
  smb.scripts = {{"smb-protocols", "\n  dialects: \n    NT LM 0.12 (SMBv1) [dangerous, but default]\n    2.02"}};
  EXPECT_STREQ(risk_id(smb), "smbv1");
  ScannedPort ftps = port("ftp");
  ftps.service.tunnel = "ssl";
  EXPECT_STREQ(risk_id(ftps), "");
  EXPECT_STREQ(risk_id(port("https")), "");
  for (const RiskyService& r : risky_service_table()) {
    EXPECT_FALSE(r.id.empty());
    EXPECT_FALSE(r.reason.empty());
    EXPECT_FALSE(r.matches.empty());
  }
}

TEST(HostDiff, HostStateAndOsChanges) {
  ScannedHost a;
  a.state = HostState::kUp;
  a.ports = {port("ssh")};
  a.os_matches = {{"Linux 4.15", 90, "", "", "", "", ""}};
  ScannedHost b = a;
  b.os_matches = {{"Linux 5.4", 95, "", "", "", "", ""}};
  HostDiff d = diff_hosts(a, b);
  EXPECT_TRUE(d.os_changed);
  EXPECT_FALSE(d.state_changed);
  EXPECT_TRUE(d.changes.empty());
  b.os_matches.clear();
  EXPECT_FALSE(diff_hosts(a, b).os_changed) << "no OS detection in the newer scan says nothing";
  b.state = HostState::kDown;
  d = diff_hosts(a, b);
  EXPECT_TRUE(d.state_changed);
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].kind, PortChangeKind::kNotRescanned);
}

}  // namespace
}  // namespace nta
