#pragma once
// The packet-level summary `nta read` and `nta capture` print at the end: totals, protocol mix,
// top sources and destinations, decode anomalies. O(1) work per packet, no allocation per packet.
#include <array>
#include <cstdint>
#include <vector>

#include "core/timestamp.h"
#include "decode/packet_view.h"
#include "stats/host_counter_table.h"
#include "stats/packet_totals.h"
#include "stats/protocol_mix.h"

namespace nta {

// Totals, time span and anomaly counts come from PacketTotals.
class PacketSummary : public PacketTotals {
 public:
  void add(const PacketView& v) noexcept;

  // Protocols by packets, largest first (names as the CSV writes them).
  [[nodiscard]] std::vector<ProtocolCount> protocols() const { return protocols_.protocols(); }
  [[nodiscard]] const HostCounterTable& sources() const noexcept { return sources_; }
  [[nodiscard]] const HostCounterTable& destinations() const noexcept { return destinations_; }

 private:
  ProtocolMix protocols_;
  HostCounterTable sources_;
  HostCounterTable destinations_;
};

}  // namespace nta
