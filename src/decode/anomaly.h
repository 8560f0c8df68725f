#pragma once
// Named decode anomalies. Malformed packets are data: each problem sets one flag, the pipeline
// counts them, and decoding goes on with the next packet.
#include <bit>
#include <cstdint>
#include <string_view>

namespace nta {

enum class Anomaly : std::uint8_t {
  kSnaplenCut,            // caplen < wire length: bytes past the snapshot length are missing
  kUnknownLinkType,       // a link type nta does not decode
  kEthernetTruncated,     // frame shorter than an Ethernet header
  kVlanTruncated,         // 802.1Q/802.1ad tag cut short
  kVlanTooDeep,           // more VLAN tags than nta follows
  kMplsTruncated,         // MPLS label stack cut short or never ends
  kSllTruncated,          // Linux cooked header cut short
  kNullTruncated,         // BSD loopback header cut short
  kArpTruncated,          // ARP header or addresses cut short
  kArpBadSizes,           // ARP hardware/protocol sizes (or protocol type) not Ethernet/IPv4
  kIpv4Truncated,         // shorter than a 20-byte IPv4 header, or options cut by the capture
  kIpv4BadVersion,        // version field is not 4
  kIpv4BadIhl,            // header length < 20 or beyond the bytes on the wire
  kIpv4BadTotalLength,    // total length < header length or > bytes on the wire
  kIpv4OptionsMalformed,  // an option runs past the header or has a bad length
  kIpv4Fragment,          // a non-first fragment: no transport header to decode
  kIpv6Truncated,         // shorter than a 40-byte IPv6 header
  kIpv6BadVersion,        // version field is not 6
  kIpv6BadPayloadLength,  // payload length > bytes on the wire
  kIpv6ExtTruncated,      // an extension header runs past the packet
  kIpv6ExtTooMany,        // extension-header chain longer than nta follows
  kIpv6Fragment,          // a non-first fragment: no transport header to decode
  kTcpTruncated,          // shorter than a 20-byte TCP header
  kTcpBadDataOffset,      // data offset < 5 or beyond the segment
  kTcpOptionsMalformed,   // an option runs past the header or has a bad length
  kUdpTruncated,          // shorter than an 8-byte UDP header
  kUdpBadLength,          // UDP length < 8 or > bytes in the IP payload
  kIcmpTruncated,         // ICMP header cut short
  kIcmpv6Truncated,       // ICMPv6 header cut short
  kGreTruncated,          // GRE header cut short
  kGreUnsupported,        // GRE version or payload type nta does not follow
  kVxlanTruncated,        // VXLAN header cut short
  kTunnelTooDeep,         // tunnels nested deeper than nta follows
  kL4Truncated,           // the transport header's options or its payload are cut by the capture
  // Added with the decoder (appended so the bit values above stay stable).
  kSctpTruncated,      // shorter than a 12-byte SCTP common header
  kIpVersionUnknown,   // raw-IP frame empty, or its version nibble is neither 4 nor 6
  kNullUnknownFamily,  // BSD loopback address family is neither AF_INET nor an AF_INET6 value
  kCount
};

inline constexpr int kAnomalyCount = static_cast<int>(Anomaly::kCount);
static_assert(kAnomalyCount <= 64, "AnomalySet holds the anomalies in one 64-bit word");

// Stable snake_case name, as summaries and JSON print it.
std::string_view anomaly_name(Anomaly a) noexcept;

class AnomalySet {
 public:
  constexpr void set(Anomaly a) noexcept { bits_ |= bit(a); }
  [[nodiscard]] constexpr bool has(Anomaly a) const noexcept { return (bits_ & bit(a)) != 0; }
  [[nodiscard]] constexpr bool any() const noexcept { return bits_ != 0; }
  [[nodiscard]] constexpr int count() const noexcept { return std::popcount(bits_); }
  [[nodiscard]] constexpr std::uint64_t bits() const noexcept { return bits_; }

 private:
  static constexpr std::uint64_t bit(Anomaly a) noexcept {
    return std::uint64_t{1} << static_cast<unsigned>(a);
  }
  std::uint64_t bits_ = 0;
};

}  // namespace nta
