#include "scan/nmap_xml.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/error.h"
#include "nmap_xml_builder.h"

namespace nta {
namespace {

using test::XmlHost;
using test::XmlPort;

XmlPort port(int number, const char* state, const char* service = "", const char* product = "",
             const char* version = "") {
  XmlPort p;
  p.port = number;
  p.state = state;
  p.service = service;
  p.product = product;
  p.version = version;
  return p;
}

XmlHost web_server() {
  XmlHost h;
  h.address = "10.0.0.5";
  h.mac = "52:54:00:12:34:56";
  h.mac_vendor = "QEMU virtual NIC";
  h.hostnames = {{"web.example.test", "user"}, {"web5.example.test", "PTR"}};
  h.extraports =
      "<extraports state=\"closed\" count=\"997\">\n<extrareasons reason=\"resets\" count=\"997\" proto=\"tcp\" "
      "ports=\"1-21,23-79,81-442,444-1000\"/>\n</extraports>\n";
  XmlPort ssh = port(22, "open", "ssh", "OpenSSH", "8.9p1");
  ssh.extrainfo = "Ubuntu Linux; protocol 2.0";
  ssh.cpes = {"cpe:/a:openbsd:openssh:8.9p1", "cpe:/o:linux:linux_kernel"};
  XmlPort http = port(80, "open", "http", "nginx", "1.18.0");
  http.scripts = {{"http-title", "Welcome&#xa;to nginx &amp; more"}};
  XmlPort https = port(443, "filtered");
  https.reason = "no-response";
  h.ports = {http, ssh, https};
  h.os = {{"Linux 5.0 - 5.4", 96}, {"Linux 4.15", 91}};
  h.host_scripts = {{"smb-os-discovery", "OS: Unix"}};
  return h;
}

TEST(NmapXml, ReadsEveryFieldOfAScan) {
  XmlHost v6;
  v6.address = "2001:DB8::0:1";
  v6.addrtype = "ipv6";
  v6.ports = {port(53, "open", "domain")};
  v6.ports[0].protocol = "udp";
  v6.ports[0].reason = "udp-response";
  XmlHost down;
  down.address = "10.0.0.9";
  down.state = "down";
  const std::string xml = test::scan_xml({web_server(), v6, down});
  const NmapScan scan = parse_nmap_xml(xml, "t.xml");

  EXPECT_EQ(scan.scanner, "nmap");
  EXPECT_EQ(scan.version, "7.93");
  EXPECT_EQ(scan.xml_output_version, "1.05");
  EXPECT_EQ(scan.args, "nmap -sV -oX out.xml 10.0.0.0/24");
  EXPECT_EQ(scan.started_at, 1700000000);
  EXPECT_EQ(scan.finished_at, 1700000060);
  EXPECT_DOUBLE_EQ(scan.elapsed, 12.5);
  EXPECT_EQ(scan.exit_status, "success");
  EXPECT_EQ(scan.hosts_up, 2u);
  EXPECT_EQ(scan.hosts_down, 1u);
  ASSERT_EQ(scan.coverage.size(), 1u);
  EXPECT_EQ(scan.coverage[0].scan_type, "syn");
  EXPECT_EQ(scan.coverage[0].protocol, ScanProtocol::kTcp);
  EXPECT_EQ(scan.coverage[0].ports.count(), 1000u);
  ASSERT_EQ(scan.hosts.size(), 3u);

  const ScannedHost& h = scan.hosts[0];
  EXPECT_EQ(to_string(h.address), "10.0.0.5");
  EXPECT_EQ(h.state, HostState::kUp);
  EXPECT_EQ(h.reason, "echo-reply");
  EXPECT_EQ(h.reason_ttl, 64);
  EXPECT_EQ(h.started_at, 1700000000);
  EXPECT_EQ(h.ended_at, 1700000005);
  EXPECT_EQ(h.mac, "52:54:00:12:34:56");
  EXPECT_EQ(h.mac_vendor, "QEMU virtual NIC");
  ASSERT_EQ(h.addresses.size(), 2u);
  EXPECT_EQ(h.addresses[1].type, "mac");
  ASSERT_EQ(h.hostnames.size(), 2u);
  EXPECT_EQ(h.hostnames[0].name, "web.example.test");
  EXPECT_EQ(h.hostnames[0].type, "user");
  EXPECT_EQ(h.hostnames[1].type, "PTR");
  ASSERT_EQ(h.ports.size(), 3u);
  EXPECT_EQ(h.ports[0].port, 22) << "ports are sorted";
  EXPECT_EQ(h.ports[0].service.name, "ssh");
  EXPECT_EQ(h.ports[0].service.product, "OpenSSH");
  EXPECT_EQ(h.ports[0].service.version, "8.9p1");
  EXPECT_EQ(h.ports[0].service.extrainfo, "Ubuntu Linux; protocol 2.0");
  EXPECT_EQ(h.ports[0].service.method, "probed");
  EXPECT_EQ(h.ports[0].service.confidence, 10);
  EXPECT_EQ(h.ports[0].service.cpes, (std::vector<std::string>{"cpe:/a:openbsd:openssh:8.9p1", "cpe:/o:linux:linux_kernel"}));
  EXPECT_EQ(h.ports[0].reason, "syn-ack");
  ASSERT_EQ(h.ports[1].scripts.size(), 1u);
  EXPECT_EQ(h.ports[1].scripts[0].id, "http-title");
  EXPECT_EQ(h.ports[1].scripts[0].output, "Welcome\nto nginx & more");
  EXPECT_EQ(h.ports[2].state, PortState::kFiltered);
  EXPECT_EQ(h.ports[2].reason, "no-response");
  ASSERT_EQ(h.extra_ports.size(), 1u);
  EXPECT_EQ(h.extra_ports[0].state, PortState::kClosed);
  EXPECT_EQ(h.extra_ports[0].count, 997u);
  EXPECT_EQ(h.extra_ports[0].reason, "resets");
  EXPECT_EQ(h.extra_ports[0].protocol, "tcp");
  EXPECT_TRUE(h.extra_ports[0].ports.contains(25));
  EXPECT_FALSE(h.extra_ports[0].ports.contains(22));
  ASSERT_EQ(h.os_matches.size(), 2u);
  EXPECT_EQ(h.os_matches[0].name, "Linux 5.0 - 5.4");
  EXPECT_EQ(h.os_matches[0].accuracy, 96);
  EXPECT_EQ(h.os_matches[0].family, "Linux");
  EXPECT_EQ(h.os_matches[0].generation, "5.X");
  EXPECT_EQ(h.os_matches[0].cpe, "cpe:/o:linux:linux_kernel:5");
  ASSERT_EQ(h.scripts.size(), 1u);
  EXPECT_EQ(h.scripts[0].id, "smb-os-discovery");
  EXPECT_TRUE(h.notes.empty());

  const ScannedHost& six = scan.hosts[1];
  EXPECT_EQ(six.address.family, IpFamily::kV6);
  EXPECT_EQ(to_string(six.address), "2001:db8::1");
  EXPECT_EQ(six.addresses[0].address, "2001:db8::1") << "stored in canonical form";
  ASSERT_EQ(six.ports.size(), 1u);
  EXPECT_EQ(six.ports[0].protocol, ScanProtocol::kUdp);

  EXPECT_EQ(scan.hosts[2].state, HostState::kDown);
  EXPECT_TRUE(scan.hosts[2].ports.empty());
}

TEST(NmapXml, PortStateComesFromListsGroupsAndCoverage) {
  NmapScan scan = parse_nmap_xml(test::scan_xml({web_server()}), "t.xml");
  ScannedHost& h = scan.hosts[0];
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 22), PortState::kOpen);
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 443), PortState::kFiltered);
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 8), PortState::kClosed) << "named by the extrareasons port list";
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 5000), PortState::kUnknown) << "outside the scan";
  EXPECT_EQ(h.port_state(ScanProtocol::kUdp, 53), PortState::kUnknown);

  // Older nmap: <extraports> without port lists; coverage decides what was probed.
  h.extra_ports[0].ports = PortSet{};
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 8), PortState::kUnknown) << "no coverage attached yet";
  h.coverage = std::make_shared<std::vector<ScanCoverage>>(scan.coverage);
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 8), PortState::kClosed);
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 1001), PortState::kUnknown);
  h.extra_ports.push_back({PortState::kFiltered, 3, "no-response", "tcp", {}});
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 8), PortState::kClosedFiltered) << "closed or filtered: cannot tell which";
  h.state = HostState::kDown;
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 22), PortState::kUnknown);
}

std::string error_of(std::string_view xml) {
  try {
    (void)parse_nmap_xml(xml, "bad.xml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << xml;
  return {};
}

TEST(NmapXml, MalformedXmlNamesTheLine) {
  std::string xml = test::scan_xml({web_server()});
  // Break the 10th line: an attribute without quotes.
  std::size_t pos = 0;
  for (int i = 1; i < 10; ++i) pos = xml.find('\n', pos) + 1;
  xml.insert(pos, "<broken attr=oops/>\n");
  const std::string m = error_of(xml);
  EXPECT_NE(m.find("'bad.xml' line 10: malformed XML"), std::string::npos) << m;
  EXPECT_EQ(m.find("interrupted"), std::string::npos) << "the file is complete: " << m;
}

TEST(NmapXml, TruncatedFileSaysItEndsEarly) {
  const std::string xml = test::scan_xml({web_server()});
  const std::string cut = xml.substr(0, xml.size() / 2);
  const std::string m = error_of(cut);
  EXPECT_NE(m.find("ends before </nmaprun>: was nmap interrupted?"), std::string::npos) << m;
  EXPECT_NE(m.find("line "), std::string::npos) << m;
}

TEST(NmapXml, OtherDocumentsAreNotNmapOutput) {
  EXPECT_NE(error_of("<?xml version=\"1.0\"?>\n<html><body/></html>\n").find("the root element is <html>"),
            std::string::npos);
  EXPECT_NE(error_of("").find("holds no XML element"), std::string::npos);
  EXPECT_NE(error_of("Starting Nmap 7.93\nNmap scan report for x\n").find("not nmap XML output"), std::string::npos);
}

TEST(NmapXml, ExternalEntityIsRefusedBeforeParsing) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n<!ENTITY e SYSTEM \"file:///etc/passwd\">\n]>\n"
      "<nmaprun scanner=\"nmap\" args=\"&e;\" start=\"1\"><host><status state=\"up\"/>"
      "<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><hostnames><hostname name=\"&e;\"/></hostnames></host></nmaprun>\n";
  const std::string m = error_of(xml);
  EXPECT_NE(m.find("'bad.xml' line 2: refused: the DOCTYPE has an internal subset"), std::string::npos) << m;
  EXPECT_EQ(m.find("root:"), std::string::npos);
  // Lower case and quotes hiding a '>' do not get around the check.
  EXPECT_NE(error_of("<!doctype nmaprun SYSTEM \"a>b\" [<!ENTITY e \"x\">]><nmaprun/>").find("internal subset"),
            std::string::npos);
  EXPECT_NE(error_of("<nmaprun><!ENTITY e \"x\"></nmaprun>").find("entity declaration"), std::string::npos);
}

TEST(NmapXml, ExternalDtdIsNeverLoadedAndUnknownEntitiesStayText) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun SYSTEM \"file:///etc/passwd\">\n"
      "<nmaprun scanner=\"nmap\" args=\"nmap &e; &amp; &#65;\" start=\"1\"><host><status state=\"up\"/>"
      "<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><hostnames><hostname name=\"&passwd;\" type=\"PTR\"/></hostnames>"
      "</host></nmaprun>\n";
  const NmapScan scan = parse_nmap_xml(xml, "dtd.xml");
  EXPECT_EQ(scan.args, "nmap &e; & A");
  ASSERT_EQ(scan.hosts.size(), 1u);
  EXPECT_EQ(scan.hosts[0].hostnames[0].name, "&passwd;");
}

TEST(NmapXml, BillionLaughsIsRefusedFast) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    xml += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) xml += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    xml += "\">\n";
  }
  xml += "]>\n<nmaprun args=\"&lol9;\"><host><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/></host></nmaprun>\n";
  const auto start = std::chrono::steady_clock::now();
  const std::string m = error_of(xml);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_NE(m.find("refused"), std::string::npos) << m;

  // The same references without declarations are inert text, never expanded.
  std::string refs = test::scan_head(1, std::string(2000, 'x'), "1-10");
  refs += "<host><status state=\"up\"/><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><hostnames><hostname name=\"";
  for (int i = 0; i < 100; ++i) refs += "&lol9;";
  refs += "\" type=\"PTR\"/></hostnames></host>" + test::scan_tail(2, 1, 0);
  const NmapScan scan = parse_nmap_xml(refs, "refs.xml");
  ASSERT_EQ(scan.hosts.size(), 1u);
  EXPECT_EQ(scan.hosts[0].hostnames[0].name.size(), 600u);
}

TEST(NmapXml, OversizedAndInvalidTextIsCappedAndNoted) {
  XmlHost h = web_server();
  h.ports[0].product = std::string(2'000'000, 'A');
  h.ports[0].scripts = {{"banner", std::string(100'000, 'b')}};
  h.hostnames = {{"bad\xff\xfe-utf8-\xc3\xa9", "PTR"}};
  const NmapScan scan = parse_nmap_xml(test::scan_xml({h}), "big.xml");
  const ScannedHost& got = scan.hosts[0];
  const ScannedPort* http = got.find_port(ScanProtocol::kTcp, 80);
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->service.product.size(), 1024u);
  EXPECT_EQ(http->scripts[0].output.size(), 16384u);
  EXPECT_EQ(got.hostnames[0].name, "bad\xEF\xBF\xBD\xEF\xBF\xBD-utf8-\xc3\xa9") << "invalid bytes become U+FFFD";
  ASSERT_GE(got.notes.size(), 2u);
  EXPECT_NE(got.notes[0].find("80/tcp product truncated to 1024 bytes"), std::string::npos) << got.notes[0];
}

TEST(NmapXml, DeepNestingAndManyRepeatsDoNotBreakIt) {
  std::string xml = test::scan_head(1, "nmap 10.0.0.1", "1-10");
  xml += "<host><status state=\"up\"/><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><ports>";
  xml += "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\"/>";
  for (int i = 0; i < 100000; ++i) xml += "<script id=\"x\"><table>";
  for (int i = 0; i < 100000; ++i) xml += "</table></script>";
  xml += "</port><port protocol=\"tcp\" portid=\"99999\"><state state=\"open\"/></port>";
  xml += "<port protocol=\"bogus\" portid=\"1\"><state state=\"open\"/></port>";
  xml += "<port protocol=\"tcp\" portid=\"22\"><state state=\"closed\"/></port></ports></host>";
  xml += "<host><status state=\"up\"/><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/></host>";
  xml += "<host><status state=\"up\"/><address addr=\"aa:bb:cc:dd:ee:ff\" addrtype=\"mac\"/></host>";
  xml += test::scan_tail(2, 1, 0);
  const NmapScan scan = parse_nmap_xml(xml, "deep.xml");
  ASSERT_EQ(scan.hosts.size(), 1u) << "the repeated address and the host without IP are left out";
  const ScannedHost& h = scan.hosts[0];
  ASSERT_EQ(h.ports.size(), 1u);
  EXPECT_EQ(h.ports[0].state, PortState::kOpen) << "the first of a repeated port is kept";
  EXPECT_EQ(h.ports[0].scripts.size(), 1u);
  EXPECT_GE(h.notes.size(), 2u);
  EXPECT_GE(scan.notes.size(), 2u);
}

TEST(NmapXml, LineOfOffsetCountsNewlines) {
  EXPECT_EQ(line_of_offset("abc", 0), 1u);
  EXPECT_EQ(line_of_offset("a\nb\nc", 4), 3u);
  EXPECT_EQ(line_of_offset("a\nb", 100), 2u);
}

TEST(NmapXml, MissingFileIsNotFound) {
  try {
    (void)load_nmap_xml("/nonexistent/scan.xml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/scan.xml"), std::string::npos);
  }
}

}  // namespace
}  // namespace nta
