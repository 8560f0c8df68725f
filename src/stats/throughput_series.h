#pragma once
// Packets and bytes per time bucket on packet time: a dense series from the first packet's bucket
// to the last's, 1 second wide to begin with. Memory is fixed (`max_buckets` buckets in a ring):
// when the span would need more buckets, the width doubles (2 s, 4 s, ...) and pairs of buckets
// merge. Buckets stay aligned to multiples of the width since the Unix epoch, so widening is exact.
// Packets may come in any time order. O(1) and no allocation per packet.
#include <cstdint>
#include <vector>

#include "core/timestamp.h"

namespace nta {

struct ThroughputBucket {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

// min, mean, 95th percentile (nearest rank) and max of a per-bucket rate.
struct RateSummary {
  double min = 0;
  double mean = 0;
  double p95 = 0;
  double max = 0;
};

class ThroughputSeries {
 public:
  static constexpr std::size_t kDefaultMaxBuckets = 1 << 16;  // 18.2 hours of 1-second buckets

  // `max_buckets` is rounded up to a power of two (at least 2).
  explicit ThroughputSeries(std::size_t max_buckets = kDefaultMaxBuckets);

  void add(Timestamp ts, std::uint32_t bytes) noexcept {
    if (ts.ns >= current_start_ns_ && ts.ns < current_end_ns_) {
      ++current_->packets;
      current_->bytes += bytes;
      return;
    }
    add_slow(ts, bytes);
  }

  // Buckets from the first packet's to the last's, empty ones included.
  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(hi_ - lo_ + 1); }
  [[nodiscard]] bool empty() const noexcept { return hi_ < lo_; }
  [[nodiscard]] const ThroughputBucket& operator[](std::size_t i) const noexcept {
    return ring_[static_cast<std::size_t>(lo_ + static_cast<std::int64_t>(i)) & mask_];
  }
  [[nodiscard]] std::size_t max_buckets() const noexcept { return ring_.size(); }
  // Bucket width in seconds: 1, or a power of two once the series has been widened.
  [[nodiscard]] std::int64_t bucket_seconds() const noexcept { return width_s_; }
  // Start of bucket `i` (of the first bucket for i = 0).
  [[nodiscard]] Timestamp bucket_start(std::size_t i) const noexcept;

  // Over all buckets (empty ones count as 0; the first and last may be partial). Zero when empty.
  [[nodiscard]] RateSummary packets_per_second() const;
  [[nodiscard]] RateSummary bits_per_second() const;
  // Indices of the `n` buckets with the most bytes (ties: more packets, then earlier), busiest first.
  [[nodiscard]] std::vector<std::size_t> busiest(std::size_t n) const;

 private:
  void add_slow(Timestamp ts, std::uint32_t bytes) noexcept;
  void widen();
  [[nodiscard]] std::int64_t bucket_of(Timestamp ts) const noexcept;
  [[nodiscard]] RateSummary summarize(bool bits) const;

  std::vector<ThroughputBucket> ring_;  // bucket number n lives at ring_[n & mask_]
  std::size_t mask_;
  std::int64_t width_s_ = 1;
  std::int64_t lo_ = 0;   // first and last bucket numbers in use (hi_ < lo_: empty); the span never
  std::int64_t hi_ = -1;  // exceeds the ring, and ring slots outside it stay zero
  // The bucket the last packet went to, for the fast path.
  ThroughputBucket* current_ = nullptr;
  std::int64_t current_start_ns_ = 0;
  std::int64_t current_end_ns_ = 0;
};

}  // namespace nta
