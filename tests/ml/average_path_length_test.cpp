#include <gtest/gtest.h>

#include <cmath>

#include "ml/isolation_forest.h"

namespace nta {
namespace {

TEST(AveragePathLength, SmallExactValues) {
  EXPECT_EQ(average_path_length(0), 0.0);
  EXPECT_EQ(average_path_length(1), 0.0);
  EXPECT_EQ(average_path_length(2), 1.0);
  // c(3) = 2 (ln 2 + gamma) - 4/3, c(4) = 2 (ln 3 + gamma) - 3/2.
  EXPECT_NEAR(average_path_length(3), 2 * (std::log(2.0) + 0.5772156649) - 4.0 / 3.0, 1e-9);
  EXPECT_NEAR(average_path_length(3), 1.207392, 1e-6);
  EXPECT_NEAR(average_path_length(4), 1.851656, 1e-6);
}

TEST(AveragePathLength, MatchesClosedFormAndHarmonicSum) {
  for (int n = 3; n <= 5000; n += 7) {
    const double closed = 2 * (std::log(n - 1.0) + 0.5772156649) - 2.0 * (n - 1.0) / n;
    EXPECT_NEAR(average_path_length(n), closed, 1e-9) << n;
    // H(n-1) from the actual sum: the approximation ln(i) + gamma is within 1/(2i) of it.
    double harmonic = 0;
    for (int i = 1; i < n; ++i) harmonic += 1.0 / i;
    const double exact = 2 * harmonic - 2.0 * (n - 1.0) / n;
    EXPECT_NEAR(average_path_length(n), exact, 1.0 / (n - 1.0)) << n;
  }
}

TEST(AveragePathLength, PublishedValueForSampleSize256) {
  // c(256), the normaliser of the default forest.
  EXPECT_NEAR(average_path_length(256), 10.244771, 1e-6);
}

}  // namespace
}  // namespace nta
