#include "ml/roc_auc.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"

namespace nta {
namespace {

double auc(const std::vector<double>& s, const std::vector<std::uint8_t>& l) {
  return roc_auc(s, l);
}

TEST(RocAuc, PerfectAndReversedRankings) {
  EXPECT_DOUBLE_EQ(auc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(auc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
}

TEST(RocAuc, HandComputedPairs) {
  // Positives 0.35 and 0.8, negatives 0.1, 0.4, 0.5: pairs won 1 + 3 = 4 of 6.
  EXPECT_DOUBLE_EQ(auc({0.1, 0.4, 0.35, 0.8, 0.5}, {0, 0, 1, 1, 0}), 4.0 / 6.0);
}

TEST(RocAuc, TiesCountHalf) {
  // All equal: 0.5.
  EXPECT_DOUBLE_EQ(auc({1, 1, 1, 1}, {0, 1, 0, 1}), 0.5);
  // Positive 0.5 ties negative 0.5 (half) and beats 0.2; positive 0.9 beats both: (1.5 + 2) / 4.
  EXPECT_DOUBLE_EQ(auc({0.2, 0.5, 0.5, 0.9}, {0, 0, 1, 1}), 3.5 / 4.0);
}

TEST(RocAuc, RefusesOneClassOrMismatch) {
  EXPECT_THROW((void)auc({0.1, 0.2}, {0, 0}), Error);
  EXPECT_THROW((void)auc({0.1, 0.2}, {1, 1}), Error);
  EXPECT_THROW((void)auc({0.1, 0.2, 0.3}, {0, 1}), Error);
}

}  // namespace
}  // namespace nta
