#pragma once
// Running nmap for `nta scan`: an argument vector built from validated pieces and started with
// posix_spawnp — never a shell — with its XML written to a file (-oX) and its stderr captured.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scan/target_validation.h"

namespace nta {

// quick: -T4 -F (the 100 most common TCP ports, no version detection).
// standard: -sV -T4 (nmap's top 1000 TCP ports, service versions).
// full: -sV -O -p- -T4 (every TCP port, versions, OS detection; -O needs root and is left out
// without it). -p PORTS replaces each profile's port choice.
enum class ScanProfile : std::uint8_t { kQuick, kStandard, kFull };

[[nodiscard]] std::optional<ScanProfile> parse_scan_profile(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(ScanProfile p) noexcept;

// Checks an nmap port list: numbers 0..65535 and ranges N-M separated by commas, optionally
// switched to TCP or UDP by T: / U: prefixes ("22,80,U:53,T:8000-8100"), or "-" for every port.
// Throws nta::Error(kUsage) saying what is wrong.
void validate_port_spec(std::string_view spec);
[[nodiscard]] bool port_spec_has_udp(std::string_view spec) noexcept;
[[nodiscard]] bool port_spec_has_tcp(std::string_view spec) noexcept;

struct NmapCommand {
  std::vector<ScanTarget> targets;  // one address family: IPv6 targets add -6 (nmap scans one per run)
  std::string ports;                // validated spec; empty = the profile's ports
  ScanProfile profile = ScanProfile::kStandard;
  std::filesystem::path xml_path;
  bool privileged = false;  // running as root: OS detection and UDP scans are possible
};

struct NmapPlan {
  std::vector<std::string> argv;   // argv[0] = "nmap"
  std::vector<std::string> notes;  // what was left out and why (e.g. -O without root)
};

// Throws kUsage for combinations nmap would refuse (UDP ports without root, mixed families).
[[nodiscard]] NmapPlan plan_nmap(const NmapCommand& command);

struct NmapRunResult {
  int exit_status = -1;  // nmap's exit status; -1 when it was killed by a signal
  int signal = 0;        // the signal that ended it, or 0
  std::string stderr_text;  // its standard error, capped at 64 KiB
};

// Runs argv (argv[0] looked up on PATH) with stdin and stdout on /dev/null, stderr captured.
// Throws kNotFound when the program is not installed, kIo when it cannot be started.
[[nodiscard]] NmapRunResult run_program(const std::vector<std::string>& argv);

}  // namespace nta
