#pragma once
// One captured frame as a capture source hands it out: a borrowed view into the source's buffer, valid
// until the next call to PacketSource::next().
#include <cstdint>
#include <span>

#include "core/timestamp.h"

namespace nta {

// Link-layer header types nta decodes (values are the LINKTYPE_/DLT_ numbers libpcap reports).
enum class LinkType : std::uint16_t {
  kNull = 0,          // BSD loopback: 4-byte address family in host byte order of the capturer
  kEthernet = 1,
  kRaw = 12,          // DLT_RAW as Linux libpcap reports LINKTYPE_RAW (101)
  kLoop = 108,        // OpenBSD loopback: 4-byte address family in network byte order
  kLinuxSll = 113,
  kRawAlt = 101,      // LINKTYPE_RAW, as a file may carry it
  kIpv4 = 228,
  kIpv6 = 229,
  kLinuxSll2 = 276,
};

struct RawPacket {
  Timestamp ts;
  std::uint32_t wire_len = 0;  // original length on the wire
  LinkType link = LinkType::kEthernet;
  std::span<const std::uint8_t> data;  // captured bytes (caplen = data.size())
};

}  // namespace nta
