#pragma once
// An output file (or standard output) behind one large buffer: rows are formatted straight into
// the buffer and written in big chunks. Write failures throw nta::Error naming the file, except
// a closed pipe on standard output, which just marks the writer closed (as `nta read | head` needs).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nta {

class BufferedWriter {
 public:
  static constexpr std::size_t kDefaultCapacity = 1 << 20;

  // Creates/truncates `path`; "-" means standard output. Throws nta::Error(kIo) on failure.
  explicit BufferedWriter(const std::string& path, std::size_t capacity = kDefaultCapacity);
  ~BufferedWriter();
  BufferedWriter(const BufferedWriter&) = delete;
  BufferedWriter& operator=(const BufferedWriter&) = delete;

  // Room for at least `n` more bytes at the returned pointer; commit() what was written.
  char* reserve(std::size_t n) {
    if (capacity_ - used_ < n) make_room(n);
    return buffer_.data() + used_;
  }
  void commit(char* end) noexcept { used_ = static_cast<std::size_t>(end - buffer_.data()); }
  void append(std::string_view s) {
    char* p = reserve(s.size());
    s.copy(p, s.size());
    used_ += s.size();
  }
  void flush();
  // True once standard output's reader has gone away (EPIPE).
  [[nodiscard]] bool closed() const noexcept { return closed_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  void make_room(std::size_t n);

  std::string path_;
  std::vector<char> buffer_;
  std::size_t capacity_;
  std::size_t used_ = 0;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool closed_ = false;
};

}  // namespace nta
