#pragma once
// The packet CSV: timestamp,src_ip,dst_ip,src_port,dst_port,protocol,length (docs/formats.md).
#include <cstdint>
#include <string>

#include "decode/packet_view.h"
#include "output/buffered_writer.h"

namespace nta {

class PacketCsvWriter {
 public:
  static constexpr const char* kHeader = "timestamp,src_ip,dst_ip,src_port,dst_port,protocol,length\n";

  explicit PacketCsvWriter(const std::string& path);

  void write(const PacketView& v);
  void flush() { out_.flush(); }
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] const std::string& path() const noexcept { return out_.path(); }

 private:
  BufferedWriter out_;
  std::uint64_t rows_ = 0;
  // The date-and-time text up to the seconds changes once a second: keep it.
  std::int64_t cached_second_ = INT64_MIN;
  char cached_prefix_[24] = {};
  int cached_prefix_len_ = 0;
};

}  // namespace nta
