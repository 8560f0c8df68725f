#include "core/timestamp.h"

namespace nta {
namespace {

struct CivilTime {
  std::int64_t year;
  unsigned month, day, hour, minute, second;
  unsigned micros;
};

// Days since 1970-01-01 to a proleptic Gregorian date (the era-based algorithm published by
// H. Hinnant); valid for every int64 day count we can meet.
CivilTime to_civil(Timestamp t) noexcept {
  const std::int64_t secs = t.seconds();
  std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  const auto sod = static_cast<unsigned>(secs - days * 86400);
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d, sod / 3600, (sod / 60) % 60, sod % 60,
          static_cast<unsigned>(t.subsec_ns() / 1000)};
}

char* put2(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

char* put_year(char* p, std::int64_t y) noexcept {
  if (y < 0) {
    *p++ = '-';
    y = -y;
  }
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + y % 10);
    y /= 10;
  } while (y > 0);
  while (n < 4) tmp[n++] = '0';
  while (n > 0) *p++ = tmp[--n];
  return p;
}

char* put_micros(char* p, unsigned us) noexcept {
  for (int i = 5; i >= 0; --i) {
    p[i] = static_cast<char>('0' + us % 10);
    us /= 10;
  }
  return p + 6;
}

char* format_with(Timestamp t, char* out, char date_time_sep, bool zulu) noexcept {
  const CivilTime c = to_civil(t);
  char* p = put_year(out, c.year);
  *p++ = '-';
  p = put2(p, c.month);
  *p++ = '-';
  p = put2(p, c.day);
  *p++ = date_time_sep;
  p = put2(p, c.hour);
  *p++ = ':';
  p = put2(p, c.minute);
  *p++ = ':';
  p = put2(p, c.second);
  *p++ = '.';
  p = put_micros(p, c.micros);
  if (zulu) *p++ = 'Z';
  return p;
}

}  // namespace

char* format_iso8601_us(Timestamp t, char* out) noexcept { return format_with(t, out, 'T', true); }
char* format_console_time(Timestamp t, char* out) noexcept { return format_with(t, out, ' ', false); }

}  // namespace nta
