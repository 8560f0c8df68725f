#include "detect/detector_util.h"

#include <fmt/core.h>

#include <algorithm>

#include "decode/packet_view.h"

namespace nta {

std::vector<std::string> describe(const TopSources& top) {
  std::array<std::size_t, TopSources::kSlots> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto& counts = top.counts();
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  std::vector<std::string> out;
  for (std::size_t i : order) {
    if (counts[i] != 0) out.push_back(fmt::format("{} ({})", to_string(top.values()[i]), counts[i]));
  }
  return out;
}

IpAddress flood_source(const TopSourcePorts& pairs, std::uint16_t port, std::uint64_t packets_to_port,
                       std::uint64_t packets, const TopSources& sources, double distinct_sources) {
  IpAddress only;
  if (distinct_sources < 1.5 && sources.top(only) != 0) return only;
  if (2 * packets_to_port < packets) return IpAddress{};
  SourcePort best;
  const std::uint64_t n = pairs.top(best);
  if (n != 0 && best.port == port && 2 * n >= packets_to_port) return best.source;
  return IpAddress{};
}

std::string count_text(std::uint64_t n) {
  std::string digits = fmt::format("{}", n);
  std::string out;
  const std::size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i >= lead && (i - lead) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string bytes_text(std::uint64_t n) {
  const double v = static_cast<double>(n);
  if (v >= 1e9) return fmt::format("{:.1f} GB", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.1f} MB", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f} kB", v / 1e3);
  return fmt::format("{} B", n);
}

std::string proto_text(std::uint8_t proto) {
  switch (proto) {
    case ipproto::kTcp: return "tcp";
    case ipproto::kUdp: return "udp";
    case ipproto::kSctp: return "sctp";
    case ipproto::kIcmp: return "icmp";
    case ipproto::kIcmpv6: return "icmpv6";
    default: return fmt::format("ip-{}", proto);
  }
}

double round_to(double v, int digits) noexcept {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

}  // namespace nta
