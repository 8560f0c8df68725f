#pragma once
// The packet job of `nta read` and `nta capture`: source -> decode -> console lines, packet CSV,
// summary. The one place that knows the order of these stages.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/packet_source.h"
#include "output/summary_printer.h"
#include "pipeline/stop_signal.h"
#include "stats/packet_summary.h"

namespace nta {

struct PacketJobConfig {
  std::vector<std::string> files;       // read these in order ("-" = standard input) ...
  std::optional<LiveOptions> live;      // ... or capture live
  std::string filter;                   // BPF expression, empty for none
  std::uint64_t count = 0;              // stop after this many packets (0 = no limit)
  std::string csv_path;                 // empty: no CSV
  std::string write_path;               // -w: keep the raw packets
  std::string drop_to_user;             // -Z: give up root once the capture is open
  bool quiet = false;                   // no per-packet lines
  bool print_summary = true;
  std::size_t top = 10;
};

struct PacketJobResult {
  PacketSummary summary;
  SummaryContext context;
  bool input_failed = false;
};

// Runs the job to the end of the input, the packet count, or an interrupt. Outputs are flushed
// and the summary printed even when an input fails partway; then the error is thrown as
// nta::Error(kInput) so the CLI exits with the documented status.
PacketJobResult run_packet_job(const PacketJobConfig& config);

}  // namespace nta
