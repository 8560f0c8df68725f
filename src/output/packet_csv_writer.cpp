#include "output/packet_csv_writer.h"

#include <cstring>

#include "core/timestamp.h"
#include "decode/decoder.h"
#include "output/text_format.h"

namespace nta {

namespace {
// Upper bound of one row: timestamp + two addresses + two ports + name + length + separators.
constexpr std::size_t kMaxRow = kMaxTimestampText + 2 * kMaxIpText + 2 * 5 + 64 + 10 + 8;
}  // namespace

PacketCsvWriter::PacketCsvWriter(const std::string& path) : out_(path) { out_.append(kHeader); }

void PacketCsvWriter::write(const PacketView& v) {
  char* p = out_.reserve(kMaxRow);

  const std::int64_t second = v.ts.seconds();
  if (second != cached_second_) {
    char full[kMaxTimestampText];
    char* end = format_iso8601_us(v.ts, full);
    // Everything before ".uuuuuuZ" is the per-second prefix.
    cached_prefix_len_ = static_cast<int>(end - full) - 8;
    std::memcpy(cached_prefix_, full, static_cast<std::size_t>(cached_prefix_len_));
    cached_second_ = second;
  }
  std::memcpy(p, cached_prefix_, static_cast<std::size_t>(cached_prefix_len_));
  p += cached_prefix_len_;
  *p++ = '.';
  auto us = static_cast<unsigned>(v.ts.subsec_ns() / 1000);
  for (int i = 5; i >= 0; --i) {
    p[i] = static_cast<char>('0' + us % 10);
    us /= 10;
  }
  p += 6;
  *p++ = 'Z';
  *p++ = ',';

  p = format_ip(v.src_ip, p);
  *p++ = ',';
  p = format_ip(v.dst_ip, p);
  *p++ = ',';
  if (v.has_ports) {
    p = format_uint(v.src_port, p);
    *p++ = ',';
    p = format_uint(v.dst_port, p);
  } else {
    *p++ = ',';
  }
  *p++ = ',';
  const std::string_view name = protocol_name(v);
  std::memcpy(p, name.data(), std::min<std::size_t>(name.size(), 64));
  p += std::min<std::size_t>(name.size(), 64);
  *p++ = ',';
  p = format_uint(v.wire_len, p);
  *p++ = '\n';
  out_.commit(p);
  ++rows_;
}

}  // namespace nta
