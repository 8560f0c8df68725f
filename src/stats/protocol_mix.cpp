#include "stats/protocol_mix.h"

#include <algorithm>

#include "decode/decoder.h"

namespace nta {

void ProtocolMix::add(const PacketView& v) noexcept {
  std::size_t slot = kUnknownSlot;
  switch (v.net) {
    case NetLayer::kIpv4:
    case NetLayer::kIpv6:
      slot = v.ip_proto;
      break;
    case NetLayer::kArp:
      slot = kArpSlot;
      break;
    case NetLayer::kOther: {
      try {
        Tally& t = other_ethertypes_[v.ethertype];
        if (t.packets == 0) t.sample = v;
        ++t.packets;
        t.bytes += v.wire_len;
      } catch (...) {
        // Out of memory for a rare class: the caller's totals still count the packet.
      }
      return;
    }
    case NetLayer::kNone:
      slot = kUnknownSlot;
      break;
  }
  ++slot_packets_[slot];
  slot_bytes_[slot] += v.wire_len;
  if (!slot_has_sample_[slot]) {
    slot_has_sample_[slot] = true;
    slot_sample_[slot] = v;
  }
}

std::vector<ProtocolCount> ProtocolMix::protocols() const {
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
