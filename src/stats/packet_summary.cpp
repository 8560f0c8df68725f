#include "stats/packet_summary.h"

#include <bit>

namespace nta {

void PacketSummary::add(const PacketView& v) noexcept {
  if (packets_ == 0 || v.ts < first_) first_ = v.ts;
  if (packets_ == 0 || v.ts > last_) last_ = v.ts;
  ++packets_;
  bytes_ += v.wire_len;
  if (v.anomalies.any()) {
    ++anomalous_packets_;
    std::uint64_t bits = v.anomalies.bits();
    while (bits != 0) {
      const int i = std::countr_zero(bits);
      ++anomalies_[static_cast<std::size_t>(i)];
      bits &= bits - 1;
    }
  }

  protocols_.add(v);

  if (v.net == NetLayer::kIpv4 || v.net == NetLayer::kIpv6 || v.net == NetLayer::kArp) {
    sources_.add(v.src_ip, v.wire_len);
    destinations_.add(v.dst_ip, v.wire_len);
  }
}

double PacketSummary::duration_seconds() const noexcept {
  return packets_ < 2 ? 0.0 : static_cast<double>(last_.ns - first_.ns) / 1e9;
}

}  // namespace nta
