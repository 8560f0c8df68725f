#pragma once
// What `nta scan` accepts as a target, checked before nmap ever sees it: an IPv4 or IPv6 address,
// a CIDR network (v4 /8../32, v6 /104../128: at most 2^24 addresses per target), an nmap octet
// range (192.168.1.1-20, 10.0.0-3.1, 10.0.0.1,5,9), or an RFC 1123 hostname (at most 253
// characters, labels of 1..63 letters, digits and inner hyphens). Anything starting with '-'
// (it would read as an nmap option), holding whitespace, control characters, shell
// metacharacters or other punctuation, or longer than 253 characters is refused.
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace nta {

enum class TargetKind : std::uint8_t { kAddress, kCidr, kRange, kHostname };

inline constexpr std::size_t kMaxTargetLength = 253;

class ScanTarget {
 public:
  [[nodiscard]] TargetKind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // kNone for hostnames (nmap resolves them, IPv4 unless told -6).
  [[nodiscard]] IpFamily family() const noexcept;
  // Whether `a` is one of the addresses this target names; always false for a hostname.
  [[nodiscard]] bool contains(const IpAddress& a) const noexcept;
  // The number of addresses named (2^24 at most); 0 for a hostname.
  [[nodiscard]] std::uint64_t address_count() const noexcept;

  // Parses `text`; nullopt with the reason in `why` when it is not an acceptable target.
  static std::optional<ScanTarget> parse(std::string_view text, std::string* why = nullptr);

 private:
  TargetKind kind_ = TargetKind::kAddress;
  std::string text_;
  IpAddress address_;  // kAddress; kCidr: the network (host bits cleared)
  int prefix_ = 0;     // kCidr
  std::array<std::bitset<256>, 4> octets_{};  // kRange
};

// Throws nta::Error(kUsage) naming the target and the reason.
[[nodiscard]] ScanTarget validate_target(std::string_view text);

// The targets of a recorded nmap command line (<nmaprun args=>): arguments that are neither
// options nor option values and parse as targets. Used for the networks an imported scan covered.
[[nodiscard]] std::vector<ScanTarget> targets_from_nmap_args(std::string_view args);

}  // namespace nta
