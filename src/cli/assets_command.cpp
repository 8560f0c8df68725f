// nta assets: the asset inventory — list it (table or JSON), import nmap XML files, and show what
// changed for one host between its last two scans.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "app/text_escape.h"
#include "cli/asset_table.h"
#include "cli/command.h"
#include "core/error.h"
#include "scan/asset_inventory.h"
#include "scan/asset_json.h"
#include "scan/nmap_import.h"
#include "store/schema.h"

namespace nta::cli {
namespace {

struct AssetsOptions {
  std::string db = "nta.db";
  bool json = false;
  std::vector<std::string> files;  // import
  std::string host;                // diff
};

int run_list(const AssetsOptions& o) {
  Database db = open_store(o.db, OpenMode::kExisting);
  AssetInventory inventory(db);
  const std::vector<ScannedHost> hosts = inventory.current_hosts();
  if (o.json) {
    fmt::print("{}", assets_to_json(hosts, inventory.scans(), o.db, db.user_version()));
  } else {
    fmt::print("{}", render_assets(hosts));
  }
  return 0;
}

int run_import(const AssetsOptions& o) {
  Database db = open_store(o.db, OpenMode::kCreate);
  AssetInventory inventory(db);
  for (const std::string& file : o.files) {
    const FileImport imported = import_nmap_file(inventory, file);
    const ImportResult& r = imported.result;
    const std::string name = escape_for_text(file);
    if (r.duplicate) {
      fmt::print("{}: already imported as scan {}; nothing changed\n", name, r.scan_id);
      continue;
    }
    fmt::print("{}: scan {}: {} hosts ({} up), {} open ports, {} new hosts{}\n", name, r.scan_id, r.hosts, r.hosts_up,
               r.open_ports, r.new_hosts,
               r.notes > 0 ? fmt::format(", {} notes (truncated or skipped items: nta assets --json)", r.notes) : "");
  }
  return 0;
}

int run_diff(const AssetsOptions& o) {
  Database db = open_store(o.db, OpenMode::kExisting);
  AssetInventory inventory(db);
  IpAddress address;
  if (!parse_ip(o.host.c_str(), address)) {
    const std::optional<IpAddress> named = inventory.find_address_by_name(o.host);
    if (!named) {
      throw Error(ErrorKind::kNotFound, fmt::format("no host '{}' in the inventory '{}' (give an address or a scanned "
                                                    "hostname; 'nta assets' lists them)",
                                                    escape_for_text(o.host), o.db));
    }
    address = *named;
  }
  const std::optional<HostHistory> history = inventory.find_history(address);
  if (!history) {
    throw Error(ErrorKind::kNotFound,
                fmt::format("no scan of {} in the inventory '{}' ('nta assets' lists the hosts)", to_string(address), o.db));
  }
  fmt::print("{}", o.json ? host_history_to_json(*history) : render_host_history(*history));
  return 0;
}

}  // namespace

void register_assets(CLI::App& app, CommandRun& run) {
  auto o = std::make_shared<AssetsOptions>();
  CLI::App* cmd = app.add_subcommand("assets", "The asset inventory: hosts, open ports, services and OS from nmap scans");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--db", o->db, "the nta database (SQLite)")->capture_default_str();
  cmd->add_flag("--json", o->json, "print one JSON document (docs/formats.md) instead of tables");
  cmd->footer(
      "Without a subcommand: every host's latest observation, then the open ports and their risks.\n"
      "Exit status: 0 success; 1 database or file missing or unreadable; 2 wrong usage; 3 damaged or hostile\n"
      "XML (nothing of that file is imported), or a database that is not nta's or is newer than this nta.");

  CLI::App* import = cmd->add_subcommand("import", "Import nmap XML files (nmap -oX FILE), each in one transaction");
  import->add_option("files", o->files, "nmap XML output files")->required();
  import->add_option("--db", o->db, "the nta database (SQLite; created when missing)")->capture_default_str();

  CLI::App* diff = cmd->add_subcommand("diff", "What changed for one host between its last two scans");
  diff->add_option("host", o->host, "an address, or a hostname a scan recorded")->required();
  diff->add_option("--db", o->db, "the nta database (SQLite)")->capture_default_str();
  diff->add_flag("--json", o->json, "print one JSON document (docs/formats.md) instead of text");

  import->callback([o, &run] { run = [o] { return run_import(*o); }; });
  diff->callback([o, &run] { run = [o] { return run_diff(*o); }; });
  // The parent's callback runs after a subcommand's: only claim the run when none was chosen.
  cmd->callback([o, import, diff, &run] {
    if (import->parsed() || diff->parsed()) return;
    run = [o] { return run_list(*o); };
  });
}

}  // namespace nta::cli
