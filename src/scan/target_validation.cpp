#include "scan/target_validation.h"

#include <arpa/inet.h>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "core/error.h"

namespace nta {
namespace {

constexpr int kMinPrefixV4 = 8;
constexpr int kMinPrefixV6 = 104;

bool allowed_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == ':' ||
         c == '/' || c == '-' || c == ',';
}

std::string show_char(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b > 0x20 && b < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("\\x{:02x}", b);
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t at = s.find(sep, pos);
    out.push_back(s.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
    if (at == std::string_view::npos) break;
    pos = at + 1;
  }
  return out;
}

bool parse_number(std::string_view s, unsigned max, unsigned& out) noexcept {
  if (!all_digits(s) || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v > max) return false;
  out = v;
  return true;
}

// One octet of an nmap range: "5", "1-20", "1,5,9-12".
bool parse_octet_set(std::string_view s, std::bitset<256>& out) {
  if (s.empty()) return false;
  for (std::string_view item : split(s, ',')) {
    const std::size_t dash = item.find('-');
    unsigned lo = 0;
    unsigned hi = 0;
    if (dash == std::string_view::npos) {
      if (!parse_number(item, 255, lo)) return false;
      hi = lo;
    } else if (!parse_number(item.substr(0, dash), 255, lo) || !parse_number(item.substr(dash + 1), 255, hi) ||
               lo > hi) {
      return false;
    }
    for (unsigned v = lo; v <= hi; ++v) out.set(v);
  }
  return true;
}

bool valid_hostname(std::string_view s, std::string& why) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) {
    why = "is empty";
    return false;
  }
  const std::vector<std::string_view> labels = split(s, '.');
  for (std::string_view label : labels) {
    if (label.empty()) {
      why = "has an empty label (two dots in a row, or a leading dot)";
      return false;
    }
    if (label.size() > 63) {
      why = "has a label longer than 63 characters";
      return false;
    }
    if (label.front() == '-' || label.back() == '-') {
      why = "has a label that starts or ends with '-'";
      return false;
    }
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
        why = fmt::format("is not a valid hostname: {} is not a letter, digit or hyphen", show_char(c));
        return false;
      }
    }
  }
  // An all-digit last label is a mistyped address (1.2.3, 256.1.1.1), not a name.
  if (all_digits(labels.back())) {
    why = "is not a valid IPv4 address (and a hostname cannot end in a numeric label)";
    return false;
  }
  return true;
}

}  // namespace

IpFamily ScanTarget::family() const noexcept {
  switch (kind_) {
    case TargetKind::kAddress:
    case TargetKind::kCidr: return address_.family;
    case TargetKind::kRange: return IpFamily::kV4;
    case TargetKind::kHostname: return IpFamily::kNone;
  }
  return IpFamily::kNone;
}

bool ScanTarget::contains(const IpAddress& a) const noexcept {
  switch (kind_) {
    case TargetKind::kAddress: return a == address_;
    case TargetKind::kCidr: {
      if (a.family != address_.family) return false;
      int bits = prefix_;
      for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
        const unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
        if ((a.bytes[i] & mask) != (address_.bytes[i] & mask)) return false;
      }
      return true;
    }
    case TargetKind::kRange:
      return a.family == IpFamily::kV4 && octets_[0].test(a.bytes[0]) && octets_[1].test(a.bytes[1]) &&
             octets_[2].test(a.bytes[2]) && octets_[3].test(a.bytes[3]);
    case TargetKind::kHostname: return false;
  }
  return false;
}

std::uint64_t ScanTarget::address_count() const noexcept {
  switch (kind_) {
    case TargetKind::kAddress: return 1;
    case TargetKind::kCidr: return std::uint64_t{1} << ((address_.family == IpFamily::kV4 ? 32 : 128) - prefix_);
    case TargetKind::kRange: {
      std::uint64_t n = 1;
      for (const auto& o : octets_) n *= o.count();
      return n;
    }
    case TargetKind::kHostname: return 0;
  }
  return 0;
}

std::optional<ScanTarget> ScanTarget::parse(std::string_view text, std::string* why) {
  std::string reason;
  auto refuse = [&](std::string r) -> std::optional<ScanTarget> {
    if (why != nullptr) *why = std::move(r);
    return std::nullopt;
  };
  if (text.empty()) return refuse("is empty");
  if (text.size() > kMaxTargetLength) return refuse(fmt::format("is longer than {} characters", kMaxTargetLength));
  if (text.front() == '-') return refuse("starts with '-' and would read as an nmap option");
  for (char c : text) {
    if (allowed_char(c)) continue;
    const auto b = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return refuse("contains whitespace");
    if (b < 0x20 || b == 0x7f) return refuse(fmt::format("contains a control character ({})", show_char(c)));
    if (b >= 0x80) return refuse("contains a non-ASCII byte (internationalised names must be given in punycode)");
    return refuse(fmt::format("contains {}, which is not allowed in a target (shell metacharacters, wildcards and "
                              "other punctuation are refused)",
                              show_char(c)));
  }
  ScanTarget t;
  t.text_ = std::string(text);

  if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    const std::string base(text.substr(0, slash));
    unsigned prefix = 0;
    IpAddress a;
    if (!parse_ip(base.c_str(), a)) return refuse("is not a valid CIDR network (the part before '/' is not an address)");
    const unsigned max = a.family == IpFamily::kV4 ? 32 : 128;
    if (!parse_number(text.substr(slash + 1), max, prefix)) {
      return refuse(fmt::format("has an invalid prefix length (expected 0..{} after '/')", max));
    }
    const int min = a.family == IpFamily::kV4 ? kMinPrefixV4 : kMinPrefixV6;
    if (static_cast<int>(prefix) < min) {
      return refuse(fmt::format("names more than 2^24 addresses; nta scans at most a /{} per target: split it", min));
    }
    t.kind_ = TargetKind::kCidr;
    t.prefix_ = static_cast<int>(prefix);
    int bits = t.prefix_;
    for (auto& byte : a.bytes) {
      const unsigned mask = bits >= 8 ? 0xFFu : bits <= 0 ? 0u : (0xFFu << (8 - bits)) & 0xFFu;
      byte = static_cast<std::uint8_t>(byte & mask);
      bits -= 8;
    }
    t.address_ = a;
    return t;
  }
  if (text.find(':') != std::string_view::npos) {
    const std::string s(text);
    IpAddress a;
    if (!parse_ip(s.c_str(), a) || a.family != IpFamily::kV6) return refuse("is not a valid IPv6 address");
    t.kind_ = TargetKind::kAddress;
    t.address_ = a;
    return t;
  }
  const bool numeric = std::all_of(text.begin(), text.end(),
                                   [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ','; });
  if (numeric && std::count(text.begin(), text.end(), '.') == 3) {
    const std::vector<std::string_view> parts = split(text, '.');
    if (text.find_first_of(",-") == std::string_view::npos) {
      IpAddress a;
      const std::string s(text);
      if (!parse_ip(s.c_str(), a) || a.family != IpFamily::kV4) {
        return refuse("is not a valid IPv4 address (four numbers 0..255 without leading zeros)");
      }
      t.kind_ = TargetKind::kAddress;
      t.address_ = a;
      return t;
    }
    for (std::size_t i = 0; i < 4; ++i) {
      if (!parse_octet_set(parts[i], t.octets_[i])) {
        return refuse("is not a valid address range (each of the four parts: N, N-M or a comma list, 0..255)");
      }
    }
    t.kind_ = TargetKind::kRange;
    return t;
  }
  if (text.find(',') != std::string_view::npos) return refuse("is not a valid address, range or hostname");
  if (!valid_hostname(text, reason)) return refuse(reason);
  t.kind_ = TargetKind::kHostname;
  return t;
}

ScanTarget validate_target(std::string_view text) {
  std::string why;
  std::optional<ScanTarget> t = ScanTarget::parse(text, &why);
  if (!t) {
    std::string shown;
    for (char c : text.substr(0, 80)) {
      const auto b = static_cast<unsigned char>(c);
      shown += b >= 0x20 && b < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", b);
    }
    if (text.size() > 80) shown += "...";
    throw Error(ErrorKind::kUsage, fmt::format("target '{}' refused: it {}", shown, why));
  }
  return *std::move(t);
}

std::vector<ScanTarget> targets_from_nmap_args(std::string_view args) {
  // nmap options whose value is the next argument; their values are not targets.
  static constexpr std::array<std::string_view, 44> kWithValue = {
      "-p", "-e", "-S", "-D", "-g", "-b", "-iL", "-iR", "-oN", "-oX", "-oS", "-oG", "-oA", "-oM", "-sI",
      "--exclude", "--excludefile", "--top-ports", "--port-ratio", "--script", "--script-args",
      "--script-args-file", "--max-retries", "--host-timeout", "--scan-delay", "--max-scan-delay", "--min-rate",
      "--max-rate", "--min-parallelism", "--max-parallelism", "--min-hostgroup", "--max-hostgroup",
      "--min-rtt-timeout", "--max-rtt-timeout", "--initial-rtt-timeout", "--source-port", "--data",
      "--data-string", "--data-length", "--ttl", "--spoof-mac", "--proxies", "--dns-servers",
      "--version-intensity"};
  std::vector<ScanTarget> out;
  bool skip_next = false;
  bool only_targets = false;
  bool first = true;
  for (std::string_view word : split(args, ' ')) {
    if (word.empty()) continue;
    if (first) {
      first = false;
      if (word == "nmap" || word.ends_with("/nmap")) continue;
    }
    if (skip_next) {
      skip_next = false;
      continue;
    }
    if (!only_targets && word == "--") {
      only_targets = true;
      continue;
    }
    if (!only_targets && word.front() == '-') {
      skip_next = std::find(kWithValue.begin(), kWithValue.end(), word) != kWithValue.end();
      continue;
    }
    if (std::optional<ScanTarget> t = ScanTarget::parse(word)) out.push_back(*std::move(t));
  }
  return out;
}

}  // namespace nta
