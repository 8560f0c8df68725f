#include "scan/target_validation.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace nta {
namespace {

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(parse_ip(text, a)) << text;
  return a;
}

std::string refusal(std::string_view text) {
  std::string why;
  EXPECT_FALSE(ScanTarget::parse(text, &why).has_value()) << "accepted: " << text;
  return why;
}

TEST(TargetValidation, AcceptsEveryDocumentedForm) {
  struct Case {
    const char* text;
    TargetKind kind;
    IpFamily family;
    std::uint64_t count;
  };
  const Case cases[] = {
      {"192.168.1.10", TargetKind::kAddress, IpFamily::kV4, 1},
      {"2001:db8::1", TargetKind::kAddress, IpFamily::kV6, 1},
      {"::1", TargetKind::kAddress, IpFamily::kV6, 1},
      {"10.0.0.0/24", TargetKind::kCidr, IpFamily::kV4, 256},
      {"10.0.0.0/8", TargetKind::kCidr, IpFamily::kV4, 1u << 24},
      {"192.168.1.7/32", TargetKind::kCidr, IpFamily::kV4, 1},
      {"2001:db8::/120", TargetKind::kCidr, IpFamily::kV6, 256},
      {"2001:db8::/104", TargetKind::kCidr, IpFamily::kV6, 1u << 24},
      {"192.168.1.1-20", TargetKind::kRange, IpFamily::kV4, 20},
      {"10.0.0-3.1", TargetKind::kRange, IpFamily::kV4, 4},
      {"10.0.0.1,5,9-10", TargetKind::kRange, IpFamily::kV4, 4},
      {"localhost", TargetKind::kHostname, IpFamily::kNone, 0},
      {"scanme.nmap.org", TargetKind::kHostname, IpFamily::kNone, 0},
      {"host-1.example.test.", TargetKind::kHostname, IpFamily::kNone, 0},
      {"xn--bcher-kva.example", TargetKind::kHostname, IpFamily::kNone, 0},
  };
  for (const Case& c : cases) {
    std::string why;
    const std::optional<ScanTarget> t = ScanTarget::parse(c.text, &why);
    ASSERT_TRUE(t.has_value()) << c.text << ": " << why;
    EXPECT_EQ(t->kind(), c.kind) << c.text;
    EXPECT_EQ(t->family(), c.family) << c.text;
    EXPECT_EQ(t->address_count(), c.count) << c.text;
    EXPECT_EQ(t->text(), c.text);
  }
}

TEST(TargetValidation, RefusesOptionLikeTargets) {
  for (const char* text : {"-oN", "-iL/etc/passwd", "--script=exploit", "-", "-sV", "--datadir=/tmp"}) {
    EXPECT_NE(refusal(text).find("would read as an nmap option"), std::string::npos) << text;
  }
  try {
    (void)validate_target("--interactive");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("target '--interactive' refused"), std::string::npos) << e.what();
  }
}

TEST(TargetValidation, RefusesShellMetacharactersWhitespaceAndControls) {
  for (const char* text : {"10.0.0.1;reboot", "a|b", "a&b", "$(id)", "`id`", "a>b", "a<b", "10.0.0.*", "a?b",
                           "a!b", "{a,b}", "[a]", "a'b", "a\"b", "a\\b", "~root", "a=b", "a%eth0", "a_b", "a#b"}) {
    EXPECT_NE(refusal(text).find("contains"), std::string::npos) << text;
  }
  EXPECT_NE(refusal("10.0.0.1 10.0.0.2").find("whitespace"), std::string::npos);
  EXPECT_NE(refusal("host\tname").find("whitespace"), std::string::npos);
  EXPECT_NE(refusal("host\nname").find("whitespace"), std::string::npos);
  EXPECT_NE(refusal(std::string_view("a\0b", 3)).find("control character"), std::string::npos);
  EXPECT_NE(refusal("a\x1b[31mb").find("control character"), std::string::npos);
  EXPECT_NE(refusal("h\xc3\xa9llo").find("non-ASCII"), std::string::npos);
  try {
    (void)validate_target("x\x1b]0;pwned\x07");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\x1b'), std::string::npos) << "the message itself is escaped";
  }
}

TEST(TargetValidation, RefusesOverlongNamesAndLabels) {
  EXPECT_NE(refusal(std::string(254, 'a')).find("longer than 253"), std::string::npos);
  EXPECT_NE(refusal(std::string(64, 'a') + ".example").find("longer than 63"), std::string::npos);
  std::string ok_len;
  while (ok_len.size() < 240) ok_len += std::string(59, 'b') + ".";
  ok_len += "example";
  ASSERT_LE(ok_len.size(), 253u);
  EXPECT_TRUE(ScanTarget::parse(ok_len).has_value());
  EXPECT_FALSE(ScanTarget::parse("").has_value());
  EXPECT_NE(refusal("a..b").find("empty label"), std::string::npos);
  EXPECT_NE(refusal(".example").find("empty label"), std::string::npos);
  EXPECT_NE(refusal("bad-.example").find("starts or ends with '-'"), std::string::npos);
}

TEST(TargetValidation, RefusesBadAddressesRangesAndPrefixes) {
  EXPECT_NE(refusal("256.1.1.1").find("not a valid IPv4"), std::string::npos);
  EXPECT_NE(refusal("1.2.3").find("not a valid IPv4"), std::string::npos);
  EXPECT_NE(refusal("01.2.3.4").find("not a valid IPv4"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.5-3").find("range"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.1-256").find("range"), std::string::npos);
  EXPECT_NE(refusal("10.0.0,.1").find("range"), std::string::npos);
  EXPECT_NE(refusal("2001:db8::g").find("IPv6"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.0/33").find("prefix"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.0/-1").find("prefix"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.0/").find("prefix"), std::string::npos);
  EXPECT_NE(refusal("2001:db8::/129").find("prefix"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.0/7").find("2^24"), std::string::npos);
  EXPECT_NE(refusal("2001:db8::/64").find("2^24"), std::string::npos);
  EXPECT_NE(refusal("host.example/24").find("CIDR"), std::string::npos);
  EXPECT_NE(refusal("a,b").find("not a valid"), std::string::npos);
}

TEST(TargetValidation, ContainsFollowsTheTarget) {
  const ScanTarget cidr = validate_target("10.1.2.77/20");
  EXPECT_TRUE(cidr.contains(ip("10.1.0.1")));
  EXPECT_TRUE(cidr.contains(ip("10.1.15.255")));
  EXPECT_FALSE(cidr.contains(ip("10.1.16.0")));
  EXPECT_FALSE(cidr.contains(ip("::ffff:10.1.0.1")));
  const ScanTarget range = validate_target("10.0.0-3.1");
  EXPECT_TRUE(range.contains(ip("10.0.2.1")));
  EXPECT_FALSE(range.contains(ip("10.0.2.2")));
  EXPECT_FALSE(range.contains(ip("10.0.4.1")));
  const ScanTarget v6 = validate_target("2001:db8::/120");
  EXPECT_TRUE(v6.contains(ip("2001:db8::ff")));
  EXPECT_FALSE(v6.contains(ip("2001:db8::1:0")));
  EXPECT_TRUE(validate_target("10.0.0.1").contains(ip("10.0.0.1")));
  EXPECT_FALSE(validate_target("example.test").contains(ip("10.0.0.1")));
}

TEST(TargetValidation, TargetsOfARecordedNmapCommandLine) {
  const auto targets = targets_from_nmap_args(
      "nmap -sV -p 22,80 -oX out.xml --script banner --top-ports 100 10.0.0.0/24 -T4 192.168.1.1-5 "
      "scanme.example -- 2001:db8::1");
  std::vector<std::string> texts;
  for (const ScanTarget& t : targets) texts.push_back(t.text());
  EXPECT_EQ(texts, (std::vector<std::string>{"10.0.0.0/24", "192.168.1.1-5", "scanme.example", "2001:db8::1"}));
  EXPECT_TRUE(targets_from_nmap_args("").empty());
  EXPECT_TRUE(targets_from_nmap_args("/usr/bin/nmap -iL list.txt").empty());
}

}  // namespace
}  // namespace nta
