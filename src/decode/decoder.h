#pragma once
// Decodes one frame in place: bounds-checked, no allocation, never throws.
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

// The protocol name the packet CSV and console print (docs/formats.md): TCP, UDP, ICMP, ICMPv6,
// ARP, the IANA keyword of other IP protocols, and for non-IP frames the ethertype's name.
std::string_view protocol_name(const PacketView& v) noexcept;

}  // namespace nta
