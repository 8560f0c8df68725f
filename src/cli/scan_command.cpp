// nta scan: runs nmap on validated targets (an argument vector, never a shell), keeps its XML
// beside the database and imports it into the asset inventory.
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/text_escape.h"
#include "cli/asset_table.h"
#include "cli/command.h"
#include "core/error.h"
#include "scan/asset_inventory.h"
#include "scan/nmap_import.h"
#include "scan/nmap_runner.h"
#include "scan/target_validation.h"
#include "store/schema.h"

namespace nta::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> targets;
  std::string ports;
  std::string profile = "standard";
  std::string db = "nta.db";
};

// <db stem>-scan-<UTC time>-<pid>[-ipv6].xml in the database's directory.
std::filesystem::path xml_path_for(const std::filesystem::path& db, bool v6) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  const std::string stem = db.stem().string().empty() ? std::string("nta") : db.stem().string();
  const std::string name = fmt::format("{}-scan-{}-{}{}.xml", stem, stamp, ::getpid(), v6 ? "-ipv6" : "");
  // Absolute, so the path nmap receives after -oX can never look like an option.
  return std::filesystem::absolute(db).parent_path() / name;
}

std::string last_lines(const std::string& text, std::size_t n) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.push_back(escape_for_text(std::string_view(text).substr(pos, nl - pos)));
    pos = nl + 1;
  }
  std::string out;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
    out += (out.empty() ? "" : " | ") + lines[i];
  }
  return out;
}

void print_nmap_stderr(const std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) fmt::print(stderr, "nmap: {}\n", escape_for_text(std::string_view(text).substr(pos, nl - pos)));
    pos = nl + 1;
  }
}

int run_scan(const ScanOptions& o) {
  std::vector<ScanTarget> v4;
  std::vector<ScanTarget> v6;
  for (const std::string& text : o.targets) {
    ScanTarget t = validate_target(text);
    (t.family() == IpFamily::kV6 ? v6 : v4).push_back(std::move(t));
  }
  const std::optional<ScanProfile> profile = parse_scan_profile(o.profile);
  if (!profile) throw Error(ErrorKind::kUsage, "--profile must be quick, standard or full");
  if (!o.ports.empty()) validate_port_spec(o.ports);

  Database db = open_store(o.db, OpenMode::kCreate);
  AssetInventory inventory(db);
  const bool privileged = ::geteuid() == 0;
  std::vector<ScannedHost> scanned;
  for (std::vector<ScanTarget>* group : {&v4, &v6}) {
    if (group->empty()) continue;
    NmapCommand command;
    command.targets = *group;
    command.ports = o.ports;
    command.profile = *profile;
    command.xml_path = xml_path_for(o.db, group == &v6);
    command.privileged = privileged;
    const NmapPlan plan = plan_nmap(command);
    for (const std::string& note : plan.notes) fmt::print(stderr, "nta: note: {}\n", note);
    std::string shown;
    for (const std::string& a : plan.argv) shown += (shown.empty() ? "" : " ") + a;
    fmt::print(stderr, "nta: running {}\n", shown);
    std::fflush(stderr);
    const auto started = std::chrono::steady_clock::now();
    const NmapRunResult run = run_program(plan.argv);
    if (run.signal != 0) {
      throw Error(ErrorKind::kIo, fmt::format("nmap was ended by signal {}{}", run.signal,
                                              run.stderr_text.empty() ? "" : ": " + last_lines(run.stderr_text, 3)));
    }
    if (run.exit_status != 0) {
      throw Error(ErrorKind::kIo,
                  fmt::format("nmap failed with exit status {}: {}", run.exit_status,
                              run.stderr_text.empty() ? "(no message)" : last_lines(run.stderr_text, 3)));
    }
    print_nmap_stderr(run.stderr_text);
    std::error_code ec;
    if (!std::filesystem::exists(command.xml_path, ec)) {
      throw Error(ErrorKind::kIo, fmt::format("nmap finished but wrote no XML to '{}'", command.xml_path.string()));
    }
    FileImport imported = import_nmap_file(inventory, command.xml_path, *group);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const ImportResult& r = imported.result;
    fmt::print("Scan {}: {} hosts ({} up), {} open ports, {} new hosts, {:.1f} s; XML kept at {}\n", r.scan_id,
               r.hosts, r.hosts_up, r.open_ports, r.new_hosts, seconds, command.xml_path.string());
    for (ScannedHost& h : imported.scan.hosts) {
      h.scan_id = r.scan_id;
      h.scan_started_at = imported.scan.started_at;
      scanned.push_back(std::move(h));
    }
  }
  fmt::print("\n{}", render_assets(scanned));
  return 0;
}

}  // namespace

void register_scan(CLI::App& app, CommandRun& run) {
  auto o = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan hosts with nmap and record what they expose in the asset inventory");
  cmd->add_option("targets", o->targets,
                  "IPv4/IPv6 address, CIDR network (v4 /8../32, v6 /104../128), nmap range (10.0.0.1-20, "
                  "10.0.0-3.1) or hostname")
      ->required();
  cmd->add_option("-p,--ports", o->ports, "ports to scan, nmap syntax: 22,80,8000-8100, T:/U: prefixes, '-' = all");
  cmd->add_option("--profile", o->profile, "quick (-T4 -F), standard (-sV -T4, top 1000 ports), full (-sV -O -p-)")
      ->check(CLI::IsMember({"quick", "standard", "full"}))
      ->capture_default_str();
  cmd->add_option("--db", o->db, "the nta database (SQLite; created when missing)")->capture_default_str();
  cmd->footer(
      "nmap must be installed; it runs without a shell, with -oX writing its XML beside the database\n"
      "(kept as <db>-scan-<time>-<pid>.xml). IPv6 targets run as a second nmap run (-6). OS detection (full\n"
      "profile) and UDP ports (U:) need root. Exit status: 0 success; 1 nmap missing or failed, database\n"
      "not writable; 2 wrong usage (a refused target or port list); 3 nmap wrote damaged XML.");
  cmd->callback([o, &run] { run = [o] { return run_scan(*o); }; });
}

}  // namespace nta::cli
