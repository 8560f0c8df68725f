#pragma once
// A progress line on standard error while capture files are read: bytes read of the total size,
// packets per second, ETA. Only when standard error is a terminal and every input is a regular
// file (never for standard input or live captures). Cheap per packet: the clock is read every
// kCheckEvery packets and the line redrawn at most 10 times a second; erased at the end.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nta {

class FileProgress {
 public:
  static constexpr std::uint32_t kCheckEvery = 2048;

  // `files`: the inputs in the order they will be read (empty for a live capture: no progress).
  // `writes_stdout_while_reading`: the run prints to standard output while reading (per-packet
  // lines); then the line is shown only if standard output is not a terminal.
  FileProgress(const std::vector<std::string>& files, bool writes_stdout_while_reading);
  ~FileProgress();
  FileProgress(const FileProgress&) = delete;
  FileProgress& operator=(const FileProgress&) = delete;

  [[nodiscard]] bool enabled() const noexcept { return enabled_; }

  // Call when the next file starts (before its first packet).
  void next_file() noexcept;
  // Call once per packet with a callable giving the current file's read position in bytes
  // (called only when the line is about to be redrawn).
  template <typename PositionFn>
  void tick(PositionFn&& position) noexcept {
    ++packets_;
    if (--countdown_ != 0) return;
    countdown_ = kCheckEvery;
    if (enabled_) maybe_draw(static_cast<std::uint64_t>(position()));
  }
  // Erases the line (also done by the destructor).
  void finish() noexcept;

  // The text of the line for a terminal `columns` wide (exposed for tests).
  static std::string render(std::uint64_t done, std::uint64_t total, std::uint64_t packets, double seconds,
                            std::size_t columns);

 private:
  void maybe_draw(std::uint64_t position) noexcept;

  bool enabled_ = false;
  bool drawn_ = false;
  std::vector<std::uint64_t> sizes_;
  std::size_t file_ = 0;      // 1-based once next_file() was called
  std::uint64_t before_ = 0;  // bytes of the files finished
  std::uint64_t total_ = 0;
  std::uint64_t packets_ = 0;
  std::uint32_t countdown_ = kCheckEvery;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace nta
