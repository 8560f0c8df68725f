#pragma once
// Packets and bytes per protocol class (IP protocol number, ARP, non-IP ethertype), named at the
// end as the CSV names them. Fixed arrays: O(1) per packet, no allocation for IP and ARP.
#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decode/packet_view.h"

namespace nta {

struct ProtocolCount {
  std::string_view name;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

class ProtocolMix {
 public:
  void add(const PacketView& v) noexcept;

  // Protocols by packets, largest first (ties: by name); names as the CSV writes them.
  [[nodiscard]] std::vector<ProtocolCount> protocols() const;

 private:
  struct Tally {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    PacketView sample;  // one packet of the class, to name it once at the end
  };
  // Protocol classes: IP protocol numbers 0..255, then ARP, unknown links.
  static constexpr std::size_t kArpSlot = 256;
  static constexpr std::size_t kUnknownSlot = 257;
  static constexpr std::size_t kSlots = 258;

  std::array<std::uint64_t, kSlots> slot_packets_{};
  std::array<std::uint64_t, kSlots> slot_bytes_{};
  std::array<bool, kSlots> slot_has_sample_{};
  std::array<PacketView, kSlots> slot_sample_{};
  std::unordered_map<std::uint16_t, Tally> other_ethertypes_;  // rare: non-IP, non-ARP frames
};

}  // namespace nta
