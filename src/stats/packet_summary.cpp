#include "stats/packet_summary.h"

#include <algorithm>

#include "decode/decoder.h"

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

  std::size_t slot = kUnknownSlot;
  switch (v.net) {
    case NetLayer::kIpv4:
    case NetLayer::kIpv6: slot = v.ip_proto; break;
    case NetLayer::kArp: slot = kArpSlot; break;
    case NetLayer::kOther: {
      try {
        Tally& t = other_ethertypes_[v.ethertype];
        if (t.packets == 0) t.sample = v;
        ++t.packets;
        t.bytes += v.wire_len;
      } catch (...) {
        // Out of memory for a rare class: the totals above still count the packet.
      }
      slot = kSlots;
      break;
    }
    case NetLayer::kNone: slot = kUnknownSlot; break;
  }
  if (slot < kSlots) {
    ++slot_packets_[slot];
    slot_bytes_[slot] += v.wire_len;
    if (!slot_has_sample_[slot]) {
      slot_has_sample_[slot] = true;
      slot_sample_[slot] = v;
    }
  }

  if (v.net == NetLayer::kIpv4 || v.net == NetLayer::kIpv6 || v.net == NetLayer::kArp) {
    sources_.add(v.src_ip, v.wire_len);
    destinations_.add(v.dst_ip, v.wire_len);
  }
}

double PacketSummary::duration_seconds() const noexcept {
  return packets_ < 2 ? 0.0 : static_cast<double>(last_.ns - first_.ns) / 1e9;
}

std::vector<ProtocolCount> PacketSummary::protocols() const {
  // Several classes can share a name (e.g. ICMP-in-IPv6 oddities); merge by name.
  std::vector<ProtocolCount> out;
  auto add = [&out](std::string_view name, std::uint64_t packets, std::uint64_t bytes) {
    for (ProtocolCount& p : out) {
      if (p.name == name) {
        p.packets += packets;
        p.bytes += bytes;
        return;
      }
    }
    out.push_back({name, packets, bytes});
  };
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (slot_packets_[i] == 0) continue;
    add(protocol_name(slot_sample_[i]), slot_packets_[i], slot_bytes_[i]);
  }
  for (const auto& [ethertype, t] : other_ethertypes_) {
    add(protocol_name(t.sample), t.packets, t.bytes);
  }
  std::sort(out.begin(), out.end(), [](const ProtocolCount& a, const ProtocolCount& b) {
    if (a.packets != b.packets) return a.packets > b.packets;
    return a.name < b.name;
  });
  return out;
}

}  // namespace nta
