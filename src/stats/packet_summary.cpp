#include "stats/packet_summary.h"

#include <bit>

namespace nta {

void PacketSummary::add(const PacketView& v) noexcept {
  PacketTotals::add(v);

  protocols_.add(v);

  if (v.net == NetLayer::kIpv4 || v.net == NetLayer::kIpv6 || v.net == NetLayer::kArp) {
    sources_.add(v.src_ip, v.wire_len);
    destinations_.add(v.dst_ip, v.wire_len);
  }
}

}  // namespace nta
