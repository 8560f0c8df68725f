#pragma once
// The asset inventory in the nta database (store/schema.cpp, step 1): imports nmap scans, each in
// one transaction with its history kept, and answers from it: the current view of every host,
// what changed for one host between its last two scans, and an in-memory snapshot for
// correlating traffic.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scan/asset_snapshot.h"
#include "scan/host_diff.h"
#include "scan/nmap_xml.h"
#include "scan/target_validation.h"
#include "store/database.h"

namespace nta {

struct ImportSource {
  std::string path;      // where the XML came from (stored, shown)
  std::string sha1_hex;  // of the file's bytes: the same file is imported once
  // The targets the scan was run on, when nta ran it; otherwise read from the nmap command line.
  std::optional<std::vector<ScanTarget>> targets;
};

struct ImportResult {
  std::int64_t scan_id = 0;
  bool duplicate = false;  // this file was imported before, as scan_id; nothing changed
  std::size_t hosts = 0;
  std::size_t hosts_up = 0;
  std::size_t new_hosts = 0;  // addresses the inventory did not know
  std::size_t open_ports = 0;
  std::size_t notes = 0;      // truncations and skips recorded
};

struct ScanRecord {
  std::int64_t id = 0;
  std::string scanner;
  std::string scanner_version;
  std::string args;
  std::int64_t started_at = 0;
  std::int64_t finished_at = 0;
  std::string exit_status;
  std::string source;
  std::int64_t imported_at = 0;
  std::int64_t hosts_up = 0;
  std::int64_t hosts_down = 0;
  std::string notes;
};

// A host's last two observations and what changed between them.
struct HostHistory {
  std::optional<ScannedHost> older;  // absent when the host was scanned once
  ScannedHost newer;
  HostDiff diff;
  std::int64_t observations = 0;  // how many scans listed the host
};

class AssetInventory {
 public:
  // `db` must have been opened with open_store (schema up to date). Not owned.
  explicit AssetInventory(Database& db) : db_(db) {}

  // One transaction: the scan, its coverage and targets, every host observation with its ports,
  // OS matches and scripts; hosts whose latest scan this is point their current view at it (an
  // older file imported later joins the history without replacing newer observations).
  ImportResult import_scan(const NmapScan& scan, const ImportSource& source);

  // Each host's latest observation, IPv4 before IPv6, in address order.
  [[nodiscard]] std::vector<ScannedHost> current_hosts(bool with_scripts = true);
  [[nodiscard]] std::vector<ScanRecord> scans();
  [[nodiscard]] std::int64_t host_count();
  // nullopt when no scan listed the address.
  [[nodiscard]] std::optional<HostHistory> find_history(const IpAddress& address);
  // Resolves a stored hostname to the address of the host that has it (latest observations).
  [[nodiscard]] std::optional<IpAddress> find_address_by_name(std::string_view name);
  [[nodiscard]] AssetSnapshot snapshot();

 private:
  Database& db_;
};

}  // namespace nta
