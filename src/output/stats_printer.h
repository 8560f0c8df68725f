#pragma once
// `nta stats` as aligned text tables with human units, at most 100 columns wide (IPv6 conversations
// stack their two addresses on two lines to stay inside that).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "output/buffered_writer.h"
#include "stats/traffic_stats.h"

namespace nta {

struct StatsInput {
  std::string name;       // the file, as given
  std::string link_type;  // libpcap's description of the link type
};

struct StatsContext {
  std::vector<StatsInput> inputs;
  std::string filter;        // BPF expression, empty for none
  std::size_t top = 10;      // rows in each top-N table (and entries in the JSON lists)
  bool interrupted = false;  // Ctrl-C: the statistics cover what was read until then
  std::string input_error;   // a damaged input stopped the run here
};

void print_stats(BufferedWriter& out, const TrafficStats& stats, const StatsContext& ctx);

// "tcp/443".
std::string port_text(Transport transport, std::uint16_t port);
// What a Zeek conn_state means, in a few words ("" for a state nta does not know).
std::string_view conn_state_meaning(std::string_view state) noexcept;

}  // namespace nta
