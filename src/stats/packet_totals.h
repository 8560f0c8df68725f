#pragma once
// What every packet-level summary counts first: packets, bytes on the wire, the time span, and
// decode anomalies by name. Shared by PacketSummary (`nta read`) and TrafficStats (`nta stats`).
#include <array>
#include <bit>
#include <cstdint>

#include "core/timestamp.h"
#include "decode/packet_view.h"

namespace nta {

class PacketTotals {
 public:
  void add(const PacketView& v) noexcept {
    if (packets_ == 0 || v.ts < first_) first_ = v.ts;
    if (packets_ == 0 || v.ts > last_) last_ = v.ts;
    ++packets_;
    bytes_ += v.wire_len;
    if (v.anomalies.any()) {
      ++anomalous_packets_;
      for (std::uint64_t bits = v.anomalies.bits(); bits != 0; bits &= bits - 1) {
        ++anomalies_[static_cast<std::size_t>(std::countr_zero(bits))];
      }
    }
  }

  [[nodiscard]] std::uint64_t packets() const noexcept { return packets_; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] Timestamp first_seen() const noexcept { return first_; }
  [[nodiscard]] Timestamp last_seen() const noexcept { return last_; }
  // Last minus first packet time (0 for fewer than two packets).
  [[nodiscard]] double duration_seconds() const noexcept {
    return packets_ < 2 ? 0.0 : static_cast<double>(last_.ns - first_.ns) / 1e9;
  }
  [[nodiscard]] std::uint64_t packets_with_anomalies() const noexcept { return anomalous_packets_; }
  [[nodiscard]] std::uint64_t anomaly_count(Anomaly a) const noexcept {
    return anomalies_[static_cast<std::size_t>(a)];
  }

 private:
  std::uint64_t packets_ = 0;
  std::uint64_t bytes_ = 0;
  Timestamp first_;
  Timestamp last_;
  std::uint64_t anomalous_packets_ = 0;
  std::array<std::uint64_t, kAnomalyCount> anomalies_{};
};

}  // namespace nta
