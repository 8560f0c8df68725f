#pragma once
// nmap's XML output (-oX, nmap 7.x) into plain structs. The file is hostile input: a DOCTYPE with
// an internal subset (entity declarations: external entities, "billion laughs") is refused before
// parsing, no DTD is ever loaded, entity references other than XML's five and numeric ones stay
// literal text, strings are capped (truncations noted in the host's or the scan's notes), and
// malformed XML is reported with its line.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scan/scanned_host.h"

namespace nta {

struct NmapScan {
  std::string scanner;             // "nmap"
  std::string version;             // "7.93"
  std::string xml_output_version;  // "1.05"
  std::string args;                // the command line nmap was run with
  std::int64_t started_at = 0;     // Unix seconds
  std::int64_t finished_at = 0;    // 0 when the run did not finish (no <runstats>)
  double elapsed = 0;
  std::string exit_status;         // "success", "error", or "" when the file ends early
  std::string error_message;
  std::uint32_t hosts_up = 0;
  std::uint32_t hosts_down = 0;
  std::vector<ScanCoverage> coverage;          // <scaninfo>
  std::vector<std::string> skipped_targets;    // <target status="skipped">: "spec (reason)"
  std::vector<ScannedHost> hosts;
  std::vector<std::string> notes;              // scan-level truncations and skips
};

// Caps on what is kept of one file (longer text is cut and noted; extra items dropped and noted).
struct NmapLimits {
  std::size_t max_file_bytes = 512u << 20;
  std::size_t max_field = 1024;          // attributes: names, products, versions, reasons, ...
  std::size_t max_script_output = 16384;
  std::size_t max_port_list = 65536;     // an <extrareasons ports=> list
  std::size_t max_args = 4096;
  std::size_t max_ports_per_host = 3 * 65536 + 256;
  std::size_t max_items = 64;            // addresses, hostnames, OS matches, scripts per owner, CPEs
};

// Parses XML text; `source` names the input in error messages. Throws nta::Error(kInput) for
// malformed XML ("line N"), an internal DTD subset, or a document that is not nmap output.
[[nodiscard]] NmapScan parse_nmap_xml(std::string_view xml, std::string_view source, const NmapLimits& limits = {});

// Reads and parses a file (kNotFound / kIo when it cannot be read, kInput when it is too large).
// `text` receives the bytes read, for callers that hash them.
[[nodiscard]] NmapScan load_nmap_xml(const std::filesystem::path& path, std::string* text = nullptr,
                                     const NmapLimits& limits = {});

// 1-based line of byte `offset` in `text` (the position pugixml reports).
[[nodiscard]] std::size_t line_of_offset(std::string_view text, std::size_t offset) noexcept;

}  // namespace nta
