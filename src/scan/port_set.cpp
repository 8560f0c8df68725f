#include "scan/port_set.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

namespace nta {
namespace {

bool parse_port(std::string_view text, std::uint16_t& out) noexcept {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

std::optional<PortSet> PortSet::parse(std::string_view text) {
  PortSet set;
  if (text.empty()) return set;
  // Collect, sort, merge: O(n log n) whatever order a (hostile) list comes in.
  std::vector<PortRange> items;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t dash = item.find('-');
    std::uint16_t first = 0;
    std::uint16_t last = 0;
    if (dash == std::string_view::npos) {
      if (!parse_port(item, first)) return std::nullopt;
      last = first;
    } else if (!parse_port(item.substr(0, dash), first) || !parse_port(item.substr(dash + 1), last) || first > last) {
      return std::nullopt;
    }
    items.push_back({first, last});
    pos = comma + 1;
  }
  std::sort(items.begin(), items.end(), [](const PortRange& a, const PortRange& b) { return a.first < b.first; });
  for (const PortRange& r : items) {
    if (!set.ranges_.empty() && r.first <= set.ranges_.back().last + 1u) {
      set.ranges_.back().last = std::max(set.ranges_.back().last, r.last);
    } else {
      set.ranges_.push_back(r);
    }
  }
  return set;
}

void PortSet::add(std::uint16_t first, std::uint16_t last) {
  if (first > last) std::swap(first, last);
  // Ranges arrive sorted from nmap; the general case merges in place.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), first,
                             [](const PortRange& r, std::uint16_t p) { return r.last + 1u < p; });
  PortRange merged{first, last};
  auto end = it;
  while (end != ranges_.end() && end->first <= merged.last + 1u) {
    merged.first = std::min(merged.first, end->first);
    merged.last = std::max(merged.last, end->last);
    ++end;
  }
  it = ranges_.erase(it, end);
  ranges_.insert(it, merged);
}

bool PortSet::contains(std::uint16_t port) const noexcept {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), port,
                             [](std::uint16_t p, const PortRange& r) { return p < r.first; });
  return it != ranges_.begin() && std::prev(it)->last >= port;
}

std::uint32_t PortSet::count() const noexcept {
  std::uint32_t n = 0;
  for (const PortRange& r : ranges_) n += static_cast<std::uint32_t>(r.last - r.first) + 1u;
  return n;
}

std::string PortSet::to_string() const {
  std::string out;
  for (const PortRange& r : ranges_) {
    if (!out.empty()) out += ',';
    out += r.first == r.last ? fmt::format("{}", r.first) : fmt::format("{}-{}", r.first, r.last);
  }
  return out;
}

}  // namespace nta
