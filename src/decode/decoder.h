#pragma once
// Decodes one frame in place: bounds-checked, no allocation, never throws.
#include <cstdint>
#include <string_view>

#include "core/raw_packet.h"
#include "decode/packet_view.h"

namespace nta {

// Fills `out` from `pkt` (resetting it first). Always succeeds; problems become anomalies.
void decode(const RawPacket& pkt, PacketView& out) noexcept;

inline PacketView decode(const RawPacket& pkt) noexcept {
  PacketView v;
  decode(pkt, v);
  return v;
}

// The protocol name the packet CSV and console print (docs/decode.md, "Protocol names"): TCP, UDP,
// ICMP, ICMPv6, ARP, the IANA keyword of other IP protocols ("IP-<n>" when unnamed), and for non-IP
// frames the ethertype's name ("LLC" for 802.3 frames, "ETH-0x<hex>" when unnamed); "UNKNOWN" when
// nothing was decoded. The views point to static storage.
std::string_view protocol_name(const PacketView& v) noexcept;

// The two tables protocol_name uses: an IP protocol number's name and an ethertype's name.
std::string_view ip_protocol_name(std::uint8_t proto) noexcept;
std::string_view ethertype_name(std::uint16_t type) noexcept;

}  // namespace nta
