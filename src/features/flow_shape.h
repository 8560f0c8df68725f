#pragma once
// The per-flow shape the flow record does not keep: per direction, the distribution of packet
// lengths and of the gaps between consecutive packets. Fixed size, updated per packet with a few
// integer operations, no allocation. Lengths are IP lengths (PacketView::ip_len: IPv4 total length,
// IPv6 40 + payload length), the quantity FlowEndpoint::ip_bytes sums.
//
// Variances use shifted sums: each value minus the direction's first one (first length, first gap),
// which keeps the sums exact for lengths and free of cancellation for gaps near their typical size.
#include <cstdint>

#include "decode/packet_view.h"

namespace nta {

struct DirectionShape {
  std::uint64_t packets = 0;
  std::int64_t len_dsum = 0;   // sum of (length - len_first)
  std::uint64_t len_dsq = 0;   // sum of (length - len_first)^2, exact below 4e9 packets
  std::uint16_t len_first = 0;
  std::uint16_t len_min = 0;
  std::uint16_t len_max = 0;
  std::int64_t last_ns = 0;    // time of the latest packet
  std::int64_t iat_first = 0;  // the first gap (ns), the shift of iat_dsq
  std::int64_t iat_min = 0;
  std::int64_t iat_max = 0;
  std::int64_t iat_sum = 0;  // ns
  double iat_dsq = 0;        // sum of (gap - iat_first)^2, ns^2

  void add(std::uint16_t len, std::int64_t ts_ns) noexcept {
    if (packets == 0) {
      len_first = len_min = len_max = len;
      last_ns = ts_ns;
      packets = 1;
      return;
    }
    const std::int64_t dl = std::int64_t{len} - len_first;
    len_dsum += dl;
    len_dsq += static_cast<std::uint64_t>(dl * dl);
    if (len < len_min) len_min = len;
    if (len > len_max) len_max = len;
    // A packet stamped before its predecessor (reordered capture) counts as a gap of 0.
    const std::int64_t gap = ts_ns > last_ns ? ts_ns - last_ns : 0;
    if (ts_ns > last_ns) last_ns = ts_ns;
    if (packets == 1) {
      iat_first = iat_min = iat_max = gap;
    } else {
      if (gap < iat_min) iat_min = gap;
      if (gap > iat_max) iat_max = gap;
      const auto dg = static_cast<double>(gap - iat_first);
      iat_dsq += dg * dg;
    }
    iat_sum += gap;
    ++packets;
  }

  // Statistics; all 0 when there is nothing to measure (no packets, or no gap).
  [[nodiscard]] double len_mean() const noexcept;
  [[nodiscard]] double len_std() const noexcept;  // population standard deviation
  [[nodiscard]] std::uint64_t gaps() const noexcept { return packets > 1 ? packets - 1 : 0; }
  [[nodiscard]] double iat_mean_ns() const noexcept;
  [[nodiscard]] double iat_std_ns() const noexcept;  // population standard deviation
};

struct FlowShape {
  DirectionShape orig;
  DirectionShape resp;

  void add(const PacketView& p, bool from_orig) noexcept { (from_orig ? orig : resp).add(p.ip_len, p.ts.ns); }
};

}  // namespace nta
