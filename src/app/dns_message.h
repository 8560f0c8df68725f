#pragma once
// DNS message header and first question (RFC 1035 4.1), read in place from UDP payloads or TCP
// messages without their 2-byte length prefix. Names are decoded to text with compression
// pointers followed (at most kMaxDnsPointers jumps, names at most 255 bytes in wire form) and
// escaped with escape_for_text's rule (a '.' inside a label becomes \x2e). No allocation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "app/text_escape.h"

namespace nta {

inline constexpr std::size_t kDnsHeaderLen = 12;
inline constexpr std::size_t kMaxDnsNameWire = 255;  // RFC 1035 2.3.4, length octets included
inline constexpr int kMaxDnsPointers = 16;

enum class DnsNameStatus : std::uint8_t {
  kOk,
  kTruncated,   // the name runs past the end of the captured message
  kTooLong,     // more than 255 bytes in wire form
  kBadLabel,    // a label type other than a length (0x00-0x3f) or a pointer (0xc0)
  kBadPointer,  // a compression pointer beyond the message
  kPointerLoop  // more than kMaxDnsPointers compression pointers
};

// A decoded name: labels joined by '.', escaped; "." for the root name.
struct DnsName {
  std::array<char, kMaxAppFieldLen> text{};
  std::uint16_t size = 0;
  [[nodiscard]] std::string_view view() const noexcept { return {text.data(), size}; }
};

// Decodes the name at `offset` of `msg` (the whole DNS message: pointers are offsets into it).
// On kOk, `next` is the offset just after the name where it started (after its first pointer).
DnsNameStatus read_dns_name(std::span<const std::uint8_t> msg, std::size_t offset, DnsName& name,
                            std::size_t& next) noexcept;

struct DnsMessage {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;
  // The first question, when qdcount > 0 and question_status is kOk.
  bool has_question = false;
  DnsNameStatus question_status = DnsNameStatus::kOk;  // kTruncated also when qtype/qclass are cut
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  DnsName qname;

  [[nodiscard]] bool is_response() const noexcept { return (flags & 0x8000) != 0; }
  [[nodiscard]] std::uint8_t opcode() const noexcept {
    return static_cast<std::uint8_t>((flags >> 11) & 0x0f);
  }
  [[nodiscard]] std::uint8_t rcode() const noexcept { return static_cast<std::uint8_t>(flags & 0x0f); }
};

// Reads the header and the first question. False when `msg` is shorter than the 12-byte header
// (then `out` is unspecified); otherwise true, with question_status saying how the question went.
bool parse_dns_message(std::span<const std::uint8_t> msg, DnsMessage& out) noexcept;

}  // namespace nta
