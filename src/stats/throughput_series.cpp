#include "stats/throughput_series.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace nta {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

ThroughputSeries::ThroughputSeries(std::size_t max_buckets)
    : ring_(std::bit_ceil(std::max<std::size_t>(max_buckets, 2))), mask_(ring_.size() - 1) {}

std::int64_t ThroughputSeries::bucket_of(Timestamp ts) const noexcept {
  return floor_div(ts.seconds(), width_s_);
}

Timestamp ThroughputSeries::bucket_start(std::size_t i) const noexcept {
  return Timestamp{(lo_ + static_cast<std::int64_t>(i)) * width_s_ * kNsPerSecond};
}

void ThroughputSeries::add_slow(Timestamp ts, std::uint32_t bytes) noexcept {
  std::int64_t n = bucket_of(ts);
  if (empty()) {
    lo_ = hi_ = n;
  } else {
    // Widen until the span with this bucket fits the ring. Far-off timestamps (a bogus year)
    // widen a lot: the width covers the whole span.
    while (std::max(hi_, n) - std::min(lo_, n) + 1 > static_cast<std::int64_t>(ring_.size())) {
      widen();
      n = bucket_of(ts);
    }
    lo_ = std::min(lo_, n);
    hi_ = std::max(hi_, n);
  }
  current_ = &ring_[static_cast<std::size_t>(n) & mask_];
  current_start_ns_ = n * width_s_ * kNsPerSecond;
  current_end_ns_ = current_start_ns_ + width_s_ * kNsPerSecond;
  ++current_->packets;
  current_->bytes += bytes;
}

void ThroughputSeries::widen() {
  // The merged buckets go to a fresh ring; slots outside the new span stay zero.
  std::vector<ThroughputBucket> merged(ring_.size());
  for (std::int64_t n = lo_; n <= hi_; ++n) {
    const ThroughputBucket& b = ring_[static_cast<std::size_t>(n) & mask_];
    ThroughputBucket& m = merged[static_cast<std::size_t>(floor_div(n, 2)) & mask_];
    m.packets += b.packets;
    m.bytes += b.bytes;
  }
  ring_.swap(merged);
  width_s_ *= 2;
  lo_ = floor_div(lo_, 2);
  hi_ = floor_div(hi_, 2);
  current_ = nullptr;
  current_start_ns_ = current_end_ns_ = 0;
}

RateSummary ThroughputSeries::summarize(bool bits) const {
  RateSummary r;
  if (empty()) return r;
  const std::size_t n = size();
  std::vector<double> rates(n);
  double total = 0;
  const auto width = static_cast<double>(width_s_);
  for (std::size_t i = 0; i < n; ++i) {
    const ThroughputBucket& b = (*this)[i];
    const double v = bits ? 8.0 * static_cast<double>(b.bytes) : static_cast<double>(b.packets);
    rates[i] = v / width;
    total += v;
  }
  r.mean = total / (static_cast<double>(n) * width);
  const auto [mn, mx] = std::minmax_element(rates.begin(), rates.end());
  r.min = *mn;
  r.max = *mx;
  // Nearest rank: the smallest value with at least 95% of the buckets at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(n)));
  const auto nth = rates.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
  std::nth_element(rates.begin(), nth, rates.end());
  r.p95 = *nth;
  return r;
}

RateSummary ThroughputSeries::packets_per_second() const {
  return summarize(false);
}
RateSummary ThroughputSeries::bits_per_second() const {
  return summarize(true);
}

std::vector<std::size_t> ThroughputSeries::busiest(std::size_t n) const {
  std::vector<std::size_t> idx;
  if (empty()) return idx;
  idx.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) {
    if ((*this)[i].packets > 0) idx.push_back(i);
  }
  n = std::min(n, idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(),
                    [this](std::size_t a, std::size_t b) {
                      const ThroughputBucket& x = (*this)[a];
                      const ThroughputBucket& y = (*this)[b];
                      if (x.bytes != y.bytes) return x.bytes > y.bytes;
                      if (x.packets != y.packets) return x.packets > y.packets;
                      return a < b;
                    });
  idx.resize(n);
  return idx;
}

}  // namespace nta
