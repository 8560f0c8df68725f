#pragma once
// Small pieces the detectors share: per-key windows on packet time, rates, the heaviest sources
// of a key, and text for summaries.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "flow/flow_key.h"

namespace nta {

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// The flood detectors count every packet of a victim's window but track who sends them (sources,
// ports) from this packet of the window on: a handful of packets is no flood, and the ordinary
// traffic of a host stays cheap.
inline constexpr std::uint64_t kTrackSendersFrom = 8;

inline std::int64_t to_ns(double seconds) noexcept {
  return static_cast<std::int64_t>(std::llround(seconds * 1e9));
}

// A per-key counting window that starts at the key's first event and restarts at the first event
// after it has run for `length`. Returns true when a new window started (counters are to be reset).
struct Window {
  std::int64_t start_ns = 0;
  bool open = false;

  bool roll(std::int64_t now_ns, std::int64_t length_ns) noexcept {
    if (open && now_ns - start_ns < length_ns) return false;
    start_ns = now_ns;
    open = true;
    return true;
  }
  // Events per second over the window so far, counted over at least one second.
  [[nodiscard]] double rate(std::uint64_t events, std::int64_t now_ns) const noexcept {
    const std::int64_t span = now_ns - start_ns;
    const double seconds = span > kNsPerSecond ? static_cast<double>(span) / 1e9 : 1.0;
    return static_cast<double>(events) / seconds;
  }
  [[nodiscard]] double seconds(std::int64_t now_ns) const noexcept {
    return static_cast<double>(now_ns - start_ns) / 1e9;
  }
};

// Moves a per-key state into the window holding `now_ns`. When its window is over (or it has none
// yet), its counts start over from a fresh State while its throttle (what was already said, and
// when) is kept. Returns true when a new window began, for the caller's per-window first values.
template <class State>
bool roll_window(State& s, std::int64_t now_ns, std::int64_t window_ns) noexcept {
  if (!s.window.roll(now_ns, window_ns)) return false;
  const auto keep = s.throttle;
  s = State{};
  s.throttle = keep;
  s.window.roll(now_ns, window_ns);
  return true;
}

// A source and the port it sends to, to find the one source behind a flood of one port.
struct SourcePort {
  IpAddress source;
  std::uint16_t port = 0;
};

// Equality without a library call (TopCounter compares on every event).
inline bool same_value(const IpAddress& a, const IpAddress& b) noexcept { return same_address(a, b); }
inline bool same_value(std::uint16_t a, std::uint16_t b) noexcept { return a == b; }
inline bool same_value(const SourcePort& a, const SourcePort& b) noexcept {
  return a.port == b.port && same_address(a.source, b.source);
}

// The heaviest values of a key (space-saving with four counters: a value holding more than a
// fifth of the events is always among them, its count overestimated by at most the error).
template <class T>
class TopCounter {
 public:
  static constexpr std::size_t kSlots = 4;

  void add(const T& v, std::uint64_t n = 1) noexcept {
    std::size_t smallest = 0;
    for (std::size_t i = 0; i < kSlots; ++i) {
      if (count_[i] != 0 && same_value(value_[i], v)) {
        count_[i] += n;
        return;
      }
      if (count_[i] < count_[smallest]) smallest = i;
    }
    value_[smallest] = v;
    count_[smallest] += n;
  }
  // The heaviest value and its (over)estimated count; 0 when empty.
  [[nodiscard]] std::uint64_t top(T& out) const noexcept {
    std::size_t best = 0;
    for (std::size_t i = 1; i < kSlots; ++i) {
      if (count_[i] > count_[best]) best = i;
    }
    out = value_[best];
    return count_[best];
  }
  [[nodiscard]] const std::array<T, kSlots>& values() const noexcept { return value_; }
  [[nodiscard]] const std::array<std::uint64_t, kSlots>& counts() const noexcept { return count_; }

 private:
  std::array<T, kSlots> value_{};
  std::array<std::uint64_t, kSlots> count_{};
};

using TopSources = TopCounter<IpAddress>;
using TopPorts = TopCounter<std::uint16_t>;

using TopSourcePorts = TopCounter<SourcePort>;

// "a.b.c.d (n)" for the sources with counts, heaviest first.
[[nodiscard]] std::vector<std::string> describe(const TopSources& top);

// The source a flood alert names: the only one, or, when one port takes at least half of the
// packets, the source sending at least half of those; empty when they come from many (spoofed or
// distributed) sources.
[[nodiscard]] IpAddress flood_source(const TopSourcePorts& pairs, std::uint16_t port, std::uint64_t packets_to_port,
                                     std::uint64_t packets, const TopSources& sources, double distinct_sources);

// "1,234" style numbers for summaries.
std::string count_text(std::uint64_t n);
// "12.3 MB" style byte counts (decimal units).
std::string bytes_text(std::uint64_t n);
// The name of a transport protocol number for summaries ("tcp", "udp", else the number).
std::string proto_text(std::uint8_t proto);
// Rounds to `digits` decimals (for evidence values that should read cleanly in JSON).
double round_to(double v, int digits) noexcept;

}  // namespace nta
