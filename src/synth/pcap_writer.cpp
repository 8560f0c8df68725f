#include "synth/pcap_writer.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace nta {
namespace {

constexpr std::uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNano = 0xa1b23c4d;
// Large writes keep the syscall count low when a million packets go out.
constexpr std::size_t kBufferSize = std::size_t{1} << 20;

struct FileHeader {
  std::uint32_t magic;
  std::uint16_t version_major;
  std::uint16_t version_minor;
  std::int32_t thiszone;
  std::uint32_t sigfigs;
  std::uint32_t snaplen;
  std::uint32_t linktype;
};
static_assert(sizeof(FileHeader) == 24);

struct RecordHeader {
  std::uint32_t ts_sec;
  std::uint32_t ts_frac;
  std::uint32_t caplen;
  std::uint32_t wire_len;
};
static_assert(sizeof(RecordHeader) == 16);

}  // namespace

PcapWriter::PcapWriter(std::string path, PcapWriterOptions options)
    : path_(std::move(path)), options_(options), buffer_(kBufferSize) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) fail("cannot write", errno);
  const FileHeader header{
      .magic = options_.precision == PcapPrecision::kNano ? kMagicNano : kMagicMicro,
      .version_major = 2,
      .version_minor = 4,
      .thiszone = 0,
      .sigfigs = 0,
      .snaplen = options_.snaplen,
      .linktype = static_cast<std::uint32_t>(options_.link),
  };
  append(&header, sizeof header);
}

PcapWriter::~PcapWriter() {
  if (file_ == nullptr) return;
  try {
    close();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; close() reports
  }
}

void PcapWriter::write(Timestamp ts, std::span<const std::uint8_t> data, std::uint32_t wire_len) {
  const bool nano = options_.precision == PcapPrecision::kNano;
  const std::int64_t frac = nano ? ts.subsec_ns() : ts.subsec_ns() / 1000;
  const auto caplen = static_cast<std::uint32_t>(data.size());
  const RecordHeader record{
      .ts_sec = static_cast<std::uint32_t>(ts.seconds()),
      .ts_frac = static_cast<std::uint32_t>(frac),
      .caplen = caplen,
      .wire_len = std::max(wire_len, caplen),
  };
  append(&record, sizeof record);
  append(data.data(), data.size());
  ++packets_;
}

void PcapWriter::append(const void* bytes, std::size_t n) {
  if (file_ == nullptr) fail("cannot write", EBADF);
  const auto* p = static_cast<const std::uint8_t*>(bytes);
  file_bytes_ += n;
  while (n != 0) {
    if (used_ == buffer_.size()) flush();
    const std::size_t chunk = std::min(n, buffer_.size() - used_);
    std::memcpy(buffer_.data() + used_, p, chunk);
    used_ += chunk;
    p += chunk;
    n -= chunk;
  }
}

void PcapWriter::flush() {
  if (used_ == 0) return;
  if (std::fwrite(buffer_.data(), 1, used_, file_) != used_) fail("cannot write", errno);
  used_ = 0;
}

void PcapWriter::close() {
  if (file_ == nullptr) return;
  std::FILE* file = file_;
  try {
    flush();
  } catch (...) {
    file_ = nullptr;
    std::fclose(file);
    throw;
  }
  file_ = nullptr;
  if (std::fclose(file) != 0) fail("cannot write", errno);
}

void PcapWriter::fail(const char* what, int err) const {
  throw Error(ErrorKind::kIo, fmt::format("{} '{}': {}", what, path_, std::strerror(err)));
}

}  // namespace nta
