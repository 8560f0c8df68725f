#pragma once
// Packet time: nanoseconds since the Unix epoch, UTC. Everything downstream runs on packet time.
#include <compare>
#include <cstdint>

namespace nta {

struct Timestamp {
  std::int64_t ns = 0;

  [[nodiscard]] constexpr std::int64_t seconds() const noexcept {
    return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
  }
  [[nodiscard]] constexpr std::int64_t subsec_ns() const noexcept {
    return ns - seconds() * 1'000'000'000;
  }
  [[nodiscard]] constexpr double to_seconds() const noexcept {
    return static_cast<double>(ns) / 1e9;
  }
  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;
};

// Longest text any formatter below writes (without a terminating NUL).
inline constexpr int kMaxTimestampText = 32;

// "2024-02-19T14:30:45.123456Z" (ISO 8601, UTC, microseconds, truncated). Returns the end.
char* format_iso8601_us(Timestamp t, char* out) noexcept;
// "2024-02-19 14:30:45.123456" (UTC, microseconds), as the per-packet console lines show it.
char* format_console_time(Timestamp t, char* out) noexcept;

}  // namespace nta
