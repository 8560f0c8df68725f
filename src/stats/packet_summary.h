#pragma once
// The packet-level summary `nta read` and `nta capture` print at the end: totals, protocol mix,
// top sources and destinations, decode anomalies. O(1) work per packet, no allocation per packet.
#include <array>
#include <cstdint>
#include <vector>

#include "core/timestamp.h"
#include "decode/packet_view.h"
#include "stats/host_counter_table.h"
#include "stats/protocol_mix.h"

namespace nta {

class PacketSummary {
 public:
  void add(const PacketView& v) noexcept;

  [[nodiscard]] std::uint64_t packets() const noexcept { return packets_; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] Timestamp first_seen() const noexcept { return first_; }
  [[nodiscard]] Timestamp last_seen() const noexcept { return last_; }
  [[nodiscard]] double duration_seconds() const noexcept;
  [[nodiscard]] std::uint64_t packets_with_anomalies() const noexcept { return anomalous_packets_; }
  [[nodiscard]] std::uint64_t anomaly_count(Anomaly a) const noexcept {
    return anomalies_[static_cast<std::size_t>(a)];
  }
  // Protocols by packets, largest first (names as the CSV writes them).
  [[nodiscard]] std::vector<ProtocolCount> protocols() const { return protocols_.protocols(); }
  [[nodiscard]] const HostCounterTable& sources() const noexcept { return sources_; }
  [[nodiscard]] const HostCounterTable& destinations() const noexcept { return destinations_; }

 private:
  std::uint64_t packets_ = 0;
  std::uint64_t bytes_ = 0;
  Timestamp first_;
  Timestamp last_;
  std::uint64_t anomalous_packets_ = 0;
  std::array<std::uint64_t, kAnomalyCount> anomalies_{};
  ProtocolMix protocols_;
  HostCounterTable sources_;
  HostCounterTable destinations_;
};

}  // namespace nta
