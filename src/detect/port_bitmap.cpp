#include "detect/port_bitmap.h"

#include <fmt/core.h>

#include <charconv>

namespace nta {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_port(std::string_view s, unsigned& out) {
  s = trim(s);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size() && out <= 65535;
}

}  // namespace

bool PortBitmap::parse(std::string_view text, PortBitmap& out, std::string& error) {
  out.bits_.reset();
  if (trim(text).empty()) return true;  // an empty list is a valid (empty) set
  for (;;) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    const std::size_t dash = item.find('-');
    unsigned lo = 0;
    unsigned hi = 0;
    const bool ok = dash == std::string_view::npos
                        ? parse_port(item, lo) && ((hi = lo), true)
                        : parse_port(item.substr(0, dash), lo) && parse_port(item.substr(dash + 1), hi) && lo <= hi;
    if (!ok) {
      error = fmt::format("'{}' is not a port (0-65535) or a range of ports (a-b)", item);
      return false;
    }
    for (unsigned p = lo; p <= hi; ++p) out.bits_.set(p);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return true;
}

std::string PortBitmap::to_string() const {
  std::string s;
  for (unsigned p = 0; p < 65536; ++p) {
    if (!bits_.test(p)) continue;
    unsigned end = p;
    while (end + 1 < 65536 && bits_.test(end + 1)) ++end;
    if (!s.empty()) s += ", ";
    s += end == p ? fmt::format("{}", p) : fmt::format("{}-{}", p, end);
    p = end;
  }
  return s;
}

}  // namespace nta
