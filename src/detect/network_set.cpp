#include "detect/network_set.h"

#include <fmt/core.h>

#include <charconv>

namespace nta {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool matches(const IpAddress& a, const IpPrefix& p) noexcept {
  if (a.family != p.address.family) return false;
  unsigned bits = p.length;
  for (std::size_t i = 0; bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff00u >> take);
    if ((a.bytes[i] & mask) != p.address.bytes[i]) return false;
  }
  return true;
}

}  // namespace

bool NetworkSet::parse(std::string_view text, NetworkSet& out, std::string& error) {
  out.prefixes_.clear();
  out.v4_.clear();
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) {
      error = "empty entry in the network list";
      return false;
    }
    const std::size_t slash = item.find('/');
    const std::string addr(item.substr(0, slash));
    IpPrefix p;
    if (!parse_ip(addr.c_str(), p.address)) {
      error = fmt::format("'{}' is not an IPv4 or IPv6 address", addr);
      return false;
    }
    const unsigned max_len = p.address.family == IpFamily::kV4 ? 32 : 128;
    unsigned len = max_len;
    if (slash != std::string_view::npos) {
      const std::string_view l = item.substr(slash + 1);
      const auto r = std::from_chars(l.data(), l.data() + l.size(), len);
      if (l.empty() || r.ec != std::errc{} || r.ptr != l.data() + l.size() || len > max_len) {
        error = fmt::format("'{}' has a bad prefix length (0..{})", item, max_len);
        return false;
      }
    }
    p.length = static_cast<std::uint8_t>(len);
    for (unsigned i = 0; i < 16; ++i) {
      const unsigned start = i * 8;
      if (start >= len) {
        p.address.bytes[i] = 0;
      } else if (len - start < 8) {
        p.address.bytes[i] = static_cast<std::uint8_t>(p.address.bytes[i] & (0xff00u >> (len - start)));
      }
    }
    out.prefixes_.push_back(p);
    if (p.address.family == IpFamily::kV4) {
      const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
      const std::uint32_t value = (std::uint32_t{p.address.bytes[0]} << 24) | (std::uint32_t{p.address.bytes[1]} << 16) |
                                  (std::uint32_t{p.address.bytes[2]} << 8) | p.address.bytes[3];
      out.v4_.push_back({mask, value});
    }
  }
  return true;
}

NetworkSet NetworkSet::private_defaults() {
  NetworkSet s;
  std::string error;
  parse("10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, fc00::/7, fe80::/10", s, error);
  return s;
}

bool NetworkSet::contains(const IpAddress& a) const noexcept {
  if (a.family == IpFamily::kV4) {
    const std::uint32_t v = (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) |
                            (std::uint32_t{a.bytes[2]} << 8) | a.bytes[3];
    for (const V4& p : v4_) {
      if ((v & p.mask) == p.value) return true;
    }
    return false;
  }
  for (const IpPrefix& p : prefixes_) {
    if (matches(a, p)) return true;
  }
  return false;
}

std::string NetworkSet::to_string() const {
  std::string s;
  for (const IpPrefix& p : prefixes_) {
    if (!s.empty()) s += ", ";
    s += fmt::format("{}/{}", nta::to_string(p.address), p.length);
  }
  return s;
}

bool is_group_address(const IpAddress& a) noexcept {
  if (a.family == IpFamily::kV4) {
    return (a.bytes[0] & 0xf0) == 0xe0 ||
           (a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] == 255);
  }
  return a.family == IpFamily::kV6 && a.bytes[0] == 0xff;
}

}  // namespace nta
