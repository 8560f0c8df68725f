#pragma once
// Builds wire-correct Ethernet frames into a caller-owned buffer: every length, checksum and option
// is what a real stack would put on the wire, so decoders and tshark accept the frames as genuine.
// The builder allocates nothing; each call overwrites the previous frame.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/ip_address.h"

namespace nta {

struct MacAddress {
  std::array<std::uint8_t, 6> bytes{};
  friend bool operator==(const MacAddress&, const MacAddress&) = default;
};

inline constexpr MacAddress kBroadcastMac{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

// A 1500-byte IP packet behind an Ethernet header and one 802.1Q tag (no FCS): 1518 bytes.
inline constexpr std::size_t kMaxFrameSize = 1518;
// Shorter frames are padded with zeros to the Ethernet minimum (64 bytes less the 4-byte FCS).
inline constexpr std::size_t kMinFrameSize = 60;

struct EthernetSpec {
  MacAddress src{};
  MacAddress dst{};
  std::uint16_t vlan = 0;     // 802.1Q VLAN id; 0 means untagged
  std::uint8_t priority = 0;  // 802.1Q PCP, used only when tagged
};

// The IP layer; the family of src (and dst, which must match) picks IPv4 or IPv6.
struct IpSpec {
  IpAddress src{};
  IpAddress dst{};
  std::uint8_t ttl = 64;         // TTL or hop limit
  std::uint8_t tos = 0;          // IPv4 TOS / IPv6 traffic class
  std::uint16_t id = 0;          // IPv4 identification
  bool dont_fragment = true;     // IPv4 DF bit
  std::uint32_t flow_label = 0;  // IPv6 flow label (20 bits)
};

struct TcpOptions {
  std::uint16_t mss = 0;          // 0: no MSS option
  std::int8_t window_scale = -1;  // -1: no window scale option
  bool sack_permitted = false;
  bool timestamps = false;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
};

struct TcpSpec {
  static constexpr std::uint8_t kFin = 0x01;
  static constexpr std::uint8_t kSyn = 0x02;
  static constexpr std::uint8_t kRst = 0x04;
  static constexpr std::uint8_t kPsh = 0x08;
  static constexpr std::uint8_t kAck = 0x10;

  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  TcpOptions options{};
};

enum class ArpOp : std::uint16_t { kRequest = 1, kReply = 2 };

// ICMP error kinds with their ICMPv4 / ICMPv6 type and code picked by the packet's family.
enum class IcmpError : std::uint8_t {
  kHostUnreachable,  // v4 3/1, v6 1/3 (address unreachable)
  kPortUnreachable,  // v4 3/3, v6 1/4
  kAdminProhibited,  // v4 3/13, v6 1/1
  kTtlExceeded,      // v4 11/0, v6 3/0
};

class FrameBuilder {
 public:
  // The buffer must hold at least kMaxFrameSize bytes; it stays owned by the caller.
  explicit FrameBuilder(std::span<std::uint8_t> buffer) noexcept : buffer_(buffer) {}

  // Each builder writes one whole frame and returns its length (the wire length, padding
  // included), or 0 when the frame would not fit the buffer or the addresses are unusable.
  std::size_t tcp(const EthernetSpec& eth, const IpSpec& ip, const TcpSpec& tcp,
                  std::span<const std::uint8_t> payload) noexcept;
  std::size_t udp(const EthernetSpec& eth, const IpSpec& ip, std::uint16_t src_port, std::uint16_t dst_port,
                  std::span<const std::uint8_t> payload) noexcept;
  // ICMP echo for IPv4, ICMPv6 echo for IPv6.
  std::size_t icmp_echo(const EthernetSpec& eth, const IpSpec& ip, bool reply, std::uint16_t id,
                        std::uint16_t seq, std::span<const std::uint8_t> payload) noexcept;
  // An ICMP(v6) error quoting `offending`, the IP packet that caused it (cut to the RFC limits:
  // 576 bytes total for IPv4, 1280 for IPv6).
  std::size_t icmp_error(const EthernetSpec& eth, const IpSpec& ip, IcmpError error,
                         std::span<const std::uint8_t> offending) noexcept;
  // ARP over Ethernet for IPv4 addresses.
  std::size_t arp(const EthernetSpec& eth, ArpOp op, const MacAddress& sender_mac, const IpAddress& sender_ip,
                  const MacAddress& target_mac, const IpAddress& target_ip) noexcept;

  [[nodiscard]] std::span<const std::uint8_t> frame() const noexcept { return buffer_.first(size_); }
  // The IP packet of the last frame (no Ethernet header, no padding); empty for ARP.
  [[nodiscard]] std::span<const std::uint8_t> ip_packet() const noexcept {
    return buffer_.subspan(l3_offset_, ip_size_);
  }

 private:
  std::size_t begin(const EthernetSpec& eth, const IpSpec& ip, std::size_t l4_size) noexcept;
  std::size_t finish_ip(const IpSpec& ip, std::uint8_t protocol, std::size_t l4_size) noexcept;
  std::size_t pad(std::size_t end) noexcept;

  std::span<std::uint8_t> buffer_;
  std::size_t size_ = 0;
  std::size_t l3_offset_ = 0;
  std::size_t ip_size_ = 0;
};

// ---- DNS payloads (RFC 1035 wire format) -------------------------------------------------------

enum class DnsType : std::uint16_t { kA = 1, kCname = 5, kAaaa = 28 };
enum class DnsRcode : std::uint8_t { kNoError = 0, kServFail = 2, kNxDomain = 3 };

struct DnsResponse {
  std::uint16_t id = 0;
  std::string_view name{};     // the question name
  DnsType type = DnsType::kA;  // the question type
  DnsRcode rcode = DnsRcode::kNoError;
  std::string_view cname{};                // when set, answers start with name CNAME cname
  std::span<const IpAddress> addresses{};  // A/AAAA records (of the family matching type)
  std::uint32_t ttl = 300;
};

// A recursive query with one question. Returns the bytes written, 0 if the name is not a valid
// DNS name or the output is too small.
std::size_t write_dns_query(std::span<std::uint8_t> out, std::uint16_t id, std::string_view name,
                            DnsType type) noexcept;
// The resolver's answer, question echoed and names compressed as real servers do. For NXDOMAIN
// the answer section is empty and the zone's SOA goes to the authority section.
std::size_t write_dns_response(std::span<std::uint8_t> out, const DnsResponse& response) noexcept;

}  // namespace nta
