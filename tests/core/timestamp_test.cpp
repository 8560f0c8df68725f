#include "core/timestamp.h"

#include <gtest/gtest.h>

#include <string>

namespace nta {
namespace {

std::string iso(std::int64_t ns) {
  char buf[kMaxTimestampText];
  return {buf, format_iso8601_us(Timestamp{ns}, buf)};
}
std::string console(std::int64_t ns) {
  char buf[kMaxTimestampText];
  return {buf, format_console_time(Timestamp{ns}, buf)};
}

TEST(Timestamp, FormatsEpochAsIso8601) { EXPECT_EQ(iso(0), "1970-01-01T00:00:00.000000Z"); }

TEST(Timestamp, FormatsKnownInstantWithMicroseconds) {
  // 2024-02-19 14:30:45 UTC = 1708353045 (date -u -d @1708353045).
  EXPECT_EQ(iso(1708353045'123456789LL), "2024-02-19T14:30:45.123456Z");
  EXPECT_EQ(console(1708353045'123456789LL), "2024-02-19 14:30:45.123456");
}

TEST(Timestamp, TruncatesNanosecondsRatherThanRounding) {
  EXPECT_EQ(iso(1'999'999LL), "1970-01-01T00:00:00.001999Z");
}

TEST(Timestamp, HandlesLeapDayAndCenturyRules) {
  EXPECT_EQ(iso(951782400LL * 1'000'000'000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(iso(4107542400LL * 1'000'000'000), "2100-03-01T00:00:00.000000Z");
  EXPECT_EQ(iso(1709164800LL * 1'000'000'000), "2024-02-29T00:00:00.000000Z");
}

TEST(Timestamp, HandlesTimesBeforeTheEpoch) {
  EXPECT_EQ(iso(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Timestamp{-1}.seconds(), -1);
  EXPECT_EQ(Timestamp{-1}.subsec_ns(), 999'999'999);
}

TEST(Timestamp, LastSecondOfAYear) {
  EXPECT_EQ(iso(1704067199'500000000LL), "2023-12-31T23:59:59.500000Z");
}

}  // namespace
}  // namespace nta
