// SnapshotAssetContext over an inventory imported from nmap XML: the answers the correlation
// findings and the asset context take, the exposure formula, and load_asset_context's refusals.
#include "pipeline/asset_context_adapter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/sha1.h"
#include "scan/asset_inventory.h"
#include "scan/nmap_xml_builder.h"
#include "store/schema.h"
#include "store/temp_dir.h"

namespace nta {
namespace {

using test::TempDir;
using test::XmlHost;
using test::XmlPort;

XmlPort port(int number, const std::string& service, const std::string& product = "", const std::string& version = "",
             const std::string& state = "open", const std::string& protocol = "tcp") {
  XmlPort p;
  p.port = number;
  p.service = service;
  p.product = product;
  p.version = version;
  p.state = state;
  p.protocol = protocol;
  p.reason = state == "open" ? "syn-ack" : "reset";
  return p;
}

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(parse_ip(text, a)) << text;
  return a;
}

// An inventory of one /24 scan: .5 a Linux server (ssh, telnet, http; 8080 closed; every other
// port of 1-1000 closed), .6 up with nothing open, .9 down.
std::string make_db(TempDir& dir) {
  const std::string path = dir.file("nta.db");
  Database db = open_store(path, OpenMode::kCreate);
  AssetInventory inv(db);
  XmlHost server;
  server.address = "10.0.0.5";
  server.hostnames = {{"files.lan", "PTR"}};
  server.os = {{"Linux 5.0 - 5.4", 98}};
  server.ports = {port(22, "ssh", "OpenSSH", "8.9p1"), port(23, "telnet", "Linux telnetd"), port(80, "http", "nginx"),
                  port(8080, "http-proxy", "", "", "closed")};
  server.extraports =
      "<extraports state=\"filtered\" count=\"996\"><extrareasons reason=\"no-response\" count=\"996\" "
      "proto=\"tcp\"/></extraports>";
  XmlHost quiet;
  quiet.address = "10.0.0.6";
  XmlHost down;
  down.address = "10.0.0.9";
  down.state = "down";
  const std::string xml = test::scan_xml({server, quiet, down}, 1700000000, "nmap -sV -O -oX s.xml 10.0.0.0/24");
  ImportSource src;
  src.path = "s.xml";
  const auto hex = to_hex(Sha1::digest(xml));
  src.sha1_hex.assign(hex.data(), hex.size());
  inv.import_scan(parse_nmap_xml(xml, "s.xml"), src);
  return path;
}

TEST(SnapshotAssetContext, AnswersFromTheInventory) {
  TempDir dir;
  const auto ctx = load_asset_context(make_db(dir));
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(ctx->host_count(), 3u);
  EXPECT_TRUE(ctx->known_host(ip("10.0.0.5")));
  EXPECT_TRUE(ctx->known_host(ip("10.0.0.6")));
  EXPECT_FALSE(ctx->known_host(ip("10.0.0.9")));  // listed, never up
  EXPECT_FALSE(ctx->known_host(ip("10.0.0.77")));
  EXPECT_TRUE(ctx->in_scanned_network(ip("10.0.0.77")));
  EXPECT_FALSE(ctx->in_scanned_network(ip("10.0.1.77")));
  EXPECT_EQ(ctx->port_state(ip("10.0.0.5"), 6, 22), AssetPortState::kOpen);
  EXPECT_EQ(ctx->port_state(ip("10.0.0.5"), 6, 8080), AssetPortState::kClosed);
  EXPECT_EQ(ctx->port_state(ip("10.0.0.5"), 6, 443), AssetPortState::kFiltered);  // from <extraports>
  EXPECT_EQ(ctx->port_state(ip("10.0.0.5"), 6, 5000), AssetPortState::kUnknown);  // not in 1-1000
  EXPECT_EQ(ctx->port_state(ip("10.0.0.5"), 17, 53), AssetPortState::kUnknown);   // no UDP scan
  EXPECT_EQ(ctx->port_state(ip("10.0.0.5"), 1, 0), AssetPortState::kUnknown);
  EXPECT_EQ(ctx->port_state(ip("10.0.0.77"), 6, 22), AssetPortState::kUnknown);
}

TEST(SnapshotAssetContext, RiskyServicesOnlyWhereTheScanFoundThemOpen) {
  TempDir dir;
  const auto ctx = load_asset_context(make_db(dir));
  const auto telnet = ctx->find_risky_service(ip("10.0.0.5"), 6, 23);
  ASSERT_TRUE(telnet.has_value());
  EXPECT_EQ(telnet->id, "telnet");
  EXPECT_EQ(telnet->service, "telnet Linux telnetd");
  EXPECT_FALSE(telnet->reason.empty());
  EXPECT_FALSE(ctx->find_risky_service(ip("10.0.0.5"), 6, 22).has_value());  // OpenSSH 8.9 is not old
  EXPECT_FALSE(ctx->find_risky_service(ip("10.0.0.5"), 17, 23).has_value());
  EXPECT_FALSE(ctx->find_risky_service(ip("10.0.0.6"), 6, 23).has_value());
}

TEST(SnapshotAssetContext, AssetInfoAndExposure) {
  TempDir dir;
  const auto ctx = load_asset_context(make_db(dir));
  const auto server = ctx->find_asset(ip("10.0.0.5"));
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ(server->hostname, "files.lan");
  EXPECT_EQ(server->os, "Linux 5.0 - 5.4 (98%)");
  EXPECT_EQ(server->open_services,
            (std::vector<std::string>{"22/tcp ssh OpenSSH 8.9p1", "23/tcp telnet Linux telnetd", "80/tcp http nginx"}));
  // 0.8 + 0.05 * 3 open + 0.25 * 1 risky
  EXPECT_DOUBLE_EQ(server->exposure, 1.2);
  EXPECT_EQ(server->reason, "(3 open services; risky: telnet)");
  const auto quiet = ctx->find_asset(ip("10.0.0.6"));
  ASSERT_TRUE(quiet.has_value());
  EXPECT_DOUBLE_EQ(quiet->exposure, 0.8);
  EXPECT_TRUE(quiet->open_services.empty());
  EXPECT_FALSE(ctx->find_asset(ip("10.0.0.9")).has_value());
  EXPECT_FALSE(ctx->find_asset(ip("10.0.0.77")).has_value());
  EXPECT_DOUBLE_EQ(SnapshotAssetContext::exposure(50, 9), 1.8);  // capped terms
}

TEST(SnapshotAssetContext, LoadRefusesAMissingFileWithoutCreatingIt) {
  TempDir dir;
  const std::string path = dir.file("absent.db");
  try {
    (void)load_asset_context(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SnapshotAssetContext, LoadRefusesAFileThatIsNotAnNtaDatabase) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "not a database at all, just some text that is long enough to be read as a header....";
  EXPECT_THROW((void)load_asset_context(path), Error);
}

TEST(SnapshotAssetContext, AnEmptyInventoryKnowsNothing) {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  { Database db = open_store(path, OpenMode::kCreate); }
  const auto ctx = load_asset_context(path);
  EXPECT_EQ(ctx->host_count(), 0u);
  EXPECT_FALSE(ctx->in_scanned_network(ip("10.0.0.5")));
  EXPECT_FALSE(ctx->find_asset(ip("10.0.0.5")).has_value());
}

}  // namespace
}  // namespace nta
