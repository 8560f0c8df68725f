#include "scan/asset_inventory.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "core/sha1.h"
#include "nmap_xml_builder.h"
#include "scan/nmap_import.h"
#include "store/schema.h"
#include "store/statement.h"
#include "store/temp_dir.h"

namespace nta {
namespace {

using test::TempDir;
using test::XmlHost;
using test::XmlPort;

ImportSource source_of(const std::string& xml, const std::string& name) {
  ImportSource s;
  s.path = name;
  const auto hex = to_hex(Sha1::digest(xml));
  s.sha1_hex.assign(hex.data(), hex.size());
  return s;
}

ImportResult import_text(AssetInventory& inv, const std::string& xml, const std::string& name = "scan.xml") {
  return inv.import_scan(parse_nmap_xml(xml, name), source_of(xml, name));
}

std::int64_t count(Database& db, const char* table) {
  Statement s = db.prepare(std::string("SELECT count(*) FROM ") + table);
  return s.step() ? s.column_int(0) : -1;
}

XmlHost host(const std::string& address, std::vector<XmlPort> ports) {
  XmlHost h;
  h.address = address;
  h.ports = std::move(ports);
  h.extraports =
      "<extraports state=\"closed\" count=\"990\"><extrareasons reason=\"resets\" count=\"990\" proto=\"tcp\"/>"
      "</extraports>";
  return h;
}

XmlPort open_port(int port, const std::string& service, const std::string& product = "", const std::string& version = "") {
  XmlPort p;
  p.port = port;
  p.service = service;
  p.product = product;
  p.version = version;
  return p;
}

TEST(AssetInventory, ImportRoundTripsEveryField) {
  TempDir dir;
  Database db = open_store(dir.file("nta.db"), OpenMode::kCreate);
  AssetInventory inv(db);
  XmlHost a = host("10.0.0.5", {open_port(22, "ssh", "OpenSSH", "8.9p1"), open_port(80, "http", "nginx", "1.18.0")});
  a.ports[0].cpes = {"cpe:/a:openbsd:openssh:8.9p1"};
  a.ports[1].scripts = {{"http-title", "Hello&#xa;world"}};
  a.mac = "52:54:00:00:00:05";
  a.mac_vendor = "QEMU";
  a.hostnames = {{"web.test", "PTR"}};
  a.os = {{"Linux 5.0 - 5.4", 96}};
  a.host_scripts = {{"clock-skew", "0s"}};
  XmlHost v6 = host("2001:db8::10", {open_port(443, "https")});
  v6.addrtype = "ipv6";
  XmlHost down;
  down.address = "10.0.0.7";
  down.state = "down";
  XmlHost closed_only = host("10.0.0.8", {});
  const std::string xml = test::scan_xml({a, v6, down, closed_only});
  const ImportResult r = import_text(inv, xml);
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.scan_id, 1);
  EXPECT_EQ(r.hosts, 4u);
  EXPECT_EQ(r.hosts_up, 3u);
  EXPECT_EQ(r.new_hosts, 4u);
  EXPECT_EQ(r.open_ports, 3u);

  const std::vector<ScannedHost> hosts = inv.current_hosts();
  ASSERT_EQ(hosts.size(), 4u);
  EXPECT_EQ(to_string(hosts[0].address), "10.0.0.5");
  EXPECT_EQ(to_string(hosts[1].address), "10.0.0.7");
  EXPECT_EQ(to_string(hosts[2].address), "10.0.0.8");
  EXPECT_EQ(to_string(hosts[3].address), "2001:db8::10") << "IPv4 before IPv6";
  const ScannedHost& h = hosts[0];
  EXPECT_EQ(h.scan_id, 1);
  EXPECT_EQ(h.scan_started_at, 1700000000);
  EXPECT_EQ(h.state, HostState::kUp);
  EXPECT_EQ(h.reason, "echo-reply");
  EXPECT_EQ(h.mac, "52:54:00:00:00:05");
  EXPECT_EQ(h.mac_vendor, "QEMU");
  ASSERT_EQ(h.hostnames.size(), 1u);
  EXPECT_EQ(h.hostnames[0].name, "web.test");
  ASSERT_EQ(h.ports.size(), 2u);
  EXPECT_EQ(h.ports[0].service.product, "OpenSSH");
  EXPECT_EQ(h.ports[0].service.cpes, std::vector<std::string>{"cpe:/a:openbsd:openssh:8.9p1"});
  ASSERT_EQ(h.ports[1].scripts.size(), 1u);
  EXPECT_EQ(h.ports[1].scripts[0].output, "Hello\nworld");
  ASSERT_EQ(h.os_matches.size(), 1u);
  EXPECT_EQ(h.os_matches[0].accuracy, 96);
  ASSERT_EQ(h.scripts.size(), 1u);
  EXPECT_EQ(h.scripts[0].id, "clock-skew");
  ASSERT_NE(h.coverage, nullptr);
  EXPECT_EQ(h.port_state(ScanProtocol::kTcp, 25), PortState::kClosed) << "unlisted probed port: the closed group";
  EXPECT_EQ(hosts[1].state, HostState::kDown);
  EXPECT_TRUE(hosts[1].ports.empty());
  EXPECT_EQ(hosts[2].open_port_count(), 0u);
  EXPECT_EQ(hosts[2].port_state(ScanProtocol::kTcp, 22), PortState::kClosed);

  EXPECT_EQ(count(db, "scans"), 1);
  EXPECT_EQ(count(db, "hosts"), 4);
  EXPECT_EQ(count(db, "host_observations"), 4);
  EXPECT_EQ(count(db, "scan_targets"), 1) << "10.0.0.0/24 from the command line";
  const std::vector<ScanRecord> scans = inv.scans();
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0].args, "nmap -sV -oX out.xml 10.0.0.0/24");
  EXPECT_EQ(scans[0].hosts_up, 3);
  EXPECT_EQ(scans[0].hosts_down, 1);
  EXPECT_EQ(scans[0].finished_at, 1700000060);
}

TEST(AssetInventory, SameFileTwiceIsImportedOnce) {
  TempDir dir;
  Database db = open_store(dir.file("nta.db"), OpenMode::kCreate);
  AssetInventory inv(db);
  const std::string xml = test::scan_xml({host("10.0.0.1", {open_port(22, "ssh")})});
  EXPECT_FALSE(import_text(inv, xml).duplicate);
  const ImportResult again = import_text(inv, xml, "copy.xml");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.scan_id, 1);
  EXPECT_EQ(count(db, "scans"), 1);
  EXPECT_EQ(count(db, "host_observations"), 1);
}

TEST(AssetInventory, HistoryDiffAndCurrentViewFollowScanTime) {
  TempDir dir;
  Database db = open_store(dir.file("nta.db"), OpenMode::kCreate);
  AssetInventory inv(db);
  XmlPort old_ssh = open_port(22, "ssh", "OpenSSH", "7.4");
  XmlPort http_closed;
  http_closed.port = 80;
  http_closed.state = "closed";
  http_closed.reason = "reset";
  XmlPort ftp = open_port(21, "ftp", "vsftpd", "3.0.3");
  XmlPort filtered;
  filtered.port = 8080;
  filtered.state = "closed";
  const std::string first =
      test::scan_xml({host("10.0.0.5", {ftp, old_ssh, http_closed, filtered})}, 1700000000);
  XmlPort new_ssh = open_port(22, "ssh", "OpenSSH", "8.9p1");
  XmlPort http = open_port(80, "http", "nginx", "1.18.0");
  XmlPort now_filtered;
  now_filtered.port = 8080;
  now_filtered.state = "filtered";
  now_filtered.reason = "no-response";
  const std::string second = test::scan_xml({host("10.0.0.5", {new_ssh, http, now_filtered})}, 1700086400);
  const std::string third = test::scan_xml({host("10.0.0.5", {new_ssh})}, 1690000000);  // older, imported last

  import_text(inv, first, "first.xml");
  import_text(inv, second, "second.xml");
  const ImportResult late = import_text(inv, third, "third.xml");
  EXPECT_EQ(late.new_hosts, 0u);

  const std::vector<ScannedHost> hosts = inv.current_hosts();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].scan_id, 2) << "an older scan imported later does not replace the current view";
  EXPECT_EQ(count(db, "host_observations"), 3) << "history is kept";

  IpAddress a;
  ASSERT_TRUE(parse_ip("10.0.0.5", a));
  const std::optional<HostHistory> history = inv.find_history(a);
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->observations, 3);
  ASSERT_TRUE(history->older.has_value());
  EXPECT_EQ(history->older->scan_id, 1);
  EXPECT_EQ(history->newer.scan_id, 2);
  const std::vector<PortChange>& c = history->diff.changes;
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].port, 21);
  EXPECT_EQ(c[0].kind, PortChangeKind::kClosed) << "ftp not listed any more: closed by the extraports group";
  EXPECT_EQ(c[0].after, PortState::kClosed);
  EXPECT_EQ(c[0].before_service.product, "vsftpd");
  EXPECT_EQ(c[1].port, 22);
  EXPECT_EQ(c[1].kind, PortChangeKind::kServiceChanged);
  EXPECT_EQ(c[1].before_service.version, "7.4");
  EXPECT_EQ(c[1].after_service.version, "8.9p1");
  EXPECT_EQ(c[2].port, 80);
  EXPECT_EQ(c[2].kind, PortChangeKind::kOpened);
  EXPECT_EQ(c[2].before, PortState::kClosed);
  EXPECT_EQ(c[3].port, 8080);
  EXPECT_EQ(c[3].kind, PortChangeKind::kStateChanged);
  EXPECT_EQ(c[3].after, PortState::kFiltered);
  EXPECT_FALSE(history->diff.state_changed);

  IpAddress unknown;
  ASSERT_TRUE(parse_ip("10.9.9.9", unknown));
  EXPECT_FALSE(inv.find_history(unknown).has_value());
}

TEST(AssetInventory, SingleScanHasNoOlderObservation) {
  TempDir dir;
  Database db = open_store(dir.file("nta.db"), OpenMode::kCreate);
  AssetInventory inv(db);
  XmlHost h = host("10.0.0.5", {open_port(22, "ssh")});
  h.hostnames = {{"Box.Example.Test", "PTR"}};
  import_text(inv, test::scan_xml({h}));
  const std::optional<IpAddress> named = inv.find_address_by_name("box.example.test");
  ASSERT_TRUE(named.has_value());
  const std::optional<HostHistory> history = inv.find_history(*named);
  ASSERT_TRUE(history.has_value());
  EXPECT_FALSE(history->older.has_value());
  EXPECT_EQ(history->observations, 1);
  EXPECT_TRUE(history->diff.changes.empty());
}

TEST(AssetInventory, SnapshotAnswersByAddressAndNetwork) {
  TempDir dir;
  Database db = open_store(dir.file("nta.db"), OpenMode::kCreate);
  AssetInventory inv(db);
  XmlHost down;
  down.address = "10.0.0.9";
  down.state = "down";
  import_text(inv, test::scan_xml({host("10.0.0.5", {open_port(22, "ssh")}), down}, 1700000000,
                                  "nmap -p 1-1000 -oX x.xml -- 10.0.0.0/24 192.168.1.1-20 files.test"));
  const AssetSnapshot snap = inv.snapshot();
  IpAddress a, b, c, d, e;
  ASSERT_TRUE(parse_ip("10.0.0.5", a));
  ASSERT_TRUE(parse_ip("10.0.0.9", b));
  ASSERT_TRUE(parse_ip("10.0.0.77", c));
  ASSERT_TRUE(parse_ip("192.168.1.15", d));
  ASSERT_TRUE(parse_ip("172.16.0.1", e));
  ASSERT_NE(snap.find_host(a), nullptr);
  EXPECT_EQ(snap.port_state(a, ScanProtocol::kTcp, 22), PortState::kOpen);
  EXPECT_EQ(snap.port_state(a, ScanProtocol::kTcp, 23), PortState::kClosed);
  EXPECT_EQ(snap.port_state(a, ScanProtocol::kTcp, 3389), PortState::kUnknown);
  EXPECT_TRUE(snap.was_scanned(b));
  EXPECT_FALSE(snap.ever_up(b));
  EXPECT_TRUE(snap.ever_up(a));
  EXPECT_FALSE(snap.was_scanned(c));
  EXPECT_TRUE(snap.in_scanned_network(c));
  EXPECT_TRUE(snap.in_scanned_network(d));
  EXPECT_FALSE(snap.in_scanned_network(e));
  EXPECT_EQ(snap.networks().size(), 2u) << "the hostname target names no network";
}

TEST(AssetInventory, HostileFileLeavesTheDatabaseUntouched) {
  TempDir dir;
  const std::string db_path = dir.file("nta.db");
  Database db = open_store(db_path, OpenMode::kCreate);
  AssetInventory inv(db);
  const std::string path = dir.file("xxe.xml");
  std::ofstream(path) << "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                         "<nmaprun scanner=\"nmap\" args=\"&e;\" start=\"1\"><host><status state=\"up\"/>"
                         "<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><hostnames><hostname name=\"&e;\" "
                         "type=\"PTR\"/></hostnames></host></nmaprun>\n";
  EXPECT_THROW((void)import_nmap_file(inv, path), Error);
  EXPECT_EQ(count(db, "scans"), 0);
  EXPECT_EQ(count(db, "hosts"), 0);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::string bytes(std::filesystem::file_size(db_path), '\0');
  std::FILE* f = std::fopen(db_path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(std::fread(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
  EXPECT_EQ(bytes.find("root:x:0:0"), std::string::npos);
}

// The 10,000-host file: import speed and database size per host (printed for the report).
TEST(AssetInventory, TenThousandHostsImportQuickly) {
  TempDir dir;
  const std::string db_path = dir.file("nta.db");
  const std::string xml_path = dir.file("big.xml");
  {
    std::string xml = test::scan_head(1700000000, "nmap -sV -O -oX big.xml 10.0.0.0/16", "1-1000");
    for (int i = 0; i < 10000; ++i) {
      XmlHost h = host("10." + std::to_string(i / 65536) + "." + std::to_string((i / 256) % 256) + "." +
                           std::to_string(i % 256),
                       {open_port(22, "ssh", "OpenSSH", "8.9p1"), open_port(80, "http", "nginx", "1.18.0"),
                        open_port(443, "https", "nginx", "1.18.0")});
      h.ports[0].cpes = {"cpe:/a:openbsd:openssh:8.9p1"};
      h.mac = "52:54:00:00:" + std::to_string(10 + i % 80) + ":" + std::to_string(10 + i % 90);
      h.mac_vendor = "QEMU virtual NIC";
      h.hostnames = {{"host" + std::to_string(i) + ".example.test", "PTR"}};
      h.os = {{"Linux 5.0 - 5.4", 96}};
      xml += test::host_xml(h, 1700000000);
    }
    xml += test::scan_tail(1700000600, 10000, 0);
    std::ofstream(xml_path, std::ios::binary) << xml;
  }
  Database db = open_store(db_path, OpenMode::kCreate);
  AssetInventory inv(db);
  const auto start = std::chrono::steady_clock::now();
  const FileImport imported = import_nmap_file(inv, xml_path);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(imported.result.hosts, 10000u);
  EXPECT_EQ(imported.result.open_ports, 30000u);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto db_bytes = std::filesystem::file_size(db_path);
  const auto xml_bytes = std::filesystem::file_size(xml_path);
  std::printf("[ measure  ] 10000 hosts (3 open ports, 1 OS match, 1 hostname, MAC each), XML %.1f MB: "
              "parse+import %.3f s = %.0f hosts/s; database %.1f MB = %.0f bytes/host\n",
              static_cast<double>(xml_bytes) / 1e6, seconds, 10000 / seconds, static_cast<double>(db_bytes) / 1e6,
              static_cast<double>(db_bytes) / 10000);
  const auto list_start = std::chrono::steady_clock::now();
  const std::vector<ScannedHost> hosts = inv.current_hosts();
  const double list_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - list_start).count();
  std::printf("[ measure  ] loading the current view of 10000 hosts: %.3f s\n", list_seconds);
  ASSERT_EQ(hosts.size(), 10000u);
  EXPECT_EQ(hosts[9999].ports.size(), 3u);
  EXPECT_LT(seconds, 60.0);
}

}  // namespace
}  // namespace nta
