#pragma once
// The end-of-run summary as aligned text tables with human units.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "output/buffered_writer.h"
#include "stats/packet_summary.h"

namespace nta {

struct KernelCounters {
  std::uint64_t received = 0;
  std::uint64_t dropped_by_kernel = 0;
  std::uint64_t dropped_by_interface = 0;
};

struct SummaryContext {
  std::vector<std::string> inputs;     // files read or the interface captured on, with link type
  std::optional<KernelCounters> kernel;
  std::uint64_t filtered_out = 0;      // not known for BPF filters; reserved for later stages
  std::string csv_path;
  std::uint64_t csv_rows = 0;
  std::string pcap_path;               // -w
  bool interrupted = false;
  bool count_reached = false;
  std::string input_error;             // a damaged input stopped the run here
  std::size_t top = 10;                // rows in the top-N tables
};

void print_summary(BufferedWriter& out, const PacketSummary& summary, const SummaryContext& ctx);

// "1.23 MB", "512 B" (decimal units, as network tools count bytes).
std::string human_bytes(double bytes);
// "12.3 Mbit/s"
std::string human_bits_per_second(double bits);
// "1,234,567"
std::string with_commas(std::uint64_t v);

}  // namespace nta
