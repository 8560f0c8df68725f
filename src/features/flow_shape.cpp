#include "features/flow_shape.h"

#include <cmath>

namespace nta {
namespace {

// Population variance from sums shifted by a constant: (sum d^2 - (sum d)^2 / n) / n, never below 0.
double shifted_variance(double dsum, double dsq, double n) noexcept {
  const double v = (dsq - dsum * dsum / n) / n;
  return v > 0 ? v : 0;
}

}  // namespace

double DirectionShape::len_mean() const noexcept {
  if (packets == 0) return 0;
  return len_first + static_cast<double>(len_dsum) / static_cast<double>(packets);
}

double DirectionShape::len_std() const noexcept {
  if (packets < 2) return 0;
  return std::sqrt(shifted_variance(static_cast<double>(len_dsum), static_cast<double>(len_dsq),
                                    static_cast<double>(packets)));
}

double DirectionShape::iat_mean_ns() const noexcept {
  const std::uint64_t n = gaps();
  return n == 0 ? 0 : static_cast<double>(iat_sum) / static_cast<double>(n);
}

double DirectionShape::iat_std_ns() const noexcept {
  const std::uint64_t n = gaps();
  if (n < 2) return 0;
  const double dn = static_cast<double>(n);
  const double dsum = static_cast<double>(iat_sum) - dn * static_cast<double>(iat_first);
  return std::sqrt(shifted_variance(dsum, iat_dsq, dn));
}

}  // namespace nta
