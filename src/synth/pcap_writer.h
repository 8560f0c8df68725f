#pragma once
// A small writer of classic pcap files (the libpcap format, not pcapng): buffered, in the host's
// byte order as libpcap itself writes, with microsecond or nanosecond timestamps.
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "core/raw_packet.h"
#include "core/timestamp.h"

namespace nta {

enum class PcapPrecision : std::uint8_t { kMicro, kNano };

struct PcapWriterOptions {
  PcapPrecision precision = PcapPrecision::kMicro;
  LinkType link = LinkType::kEthernet;
  std::uint32_t snaplen = 262144;  // what tcpdump records by default
};

class PcapWriter {
 public:
  // Creates (truncates) the file and writes the file header; throws nta::Error (kIo) on failure.
  explicit PcapWriter(std::string path, PcapWriterOptions options = {});
  ~PcapWriter();  // closes without reporting errors: call close() to see them
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Appends one record: caplen is data.size(), wire_len the original length (at least caplen).
  // Throws nta::Error (kIo) when the file cannot be written.
  void write(Timestamp ts, std::span<const std::uint8_t> data, std::uint32_t wire_len);
  void write(const RawPacket& packet) { write(packet.ts, packet.data, packet.wire_len); }

  // Flushes and closes; throws nta::Error (kIo) if the data did not reach the file.
  void close();

  [[nodiscard]] std::uint64_t packets() const noexcept { return packets_; }
  // Bytes of the file so far, headers included.
  [[nodiscard]] std::uint64_t file_bytes() const noexcept { return file_bytes_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  void append(const void* bytes, std::size_t n);
  void flush();
  [[noreturn]] void fail(const char* what, int err) const;

  std::string path_;
  PcapWriterOptions options_;
  std::FILE* file_ = nullptr;
  std::vector<std::uint8_t> buffer_;
  std::size_t used_ = 0;
  std::uint64_t packets_ = 0;
  std::uint64_t file_bytes_ = 0;
};

}  // namespace nta
