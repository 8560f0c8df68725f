#include "output/progress_bar.h"

#include <fmt/core.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "output/summary_printer.h"

namespace nta {
namespace {

constexpr auto kFirstDrawAfter = std::chrono::milliseconds(300);  // short runs show nothing
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::size_t terminal_columns() noexcept {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void write_stderr(const std::string& s) noexcept {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t w = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
    if (w <= 0) return;  // a terminal that went away: nothing to do about it
    done += static_cast<std::size_t>(w);
  }
}

std::string eta_text(double seconds) {
  const auto s = static_cast<std::uint64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string packets_rate_text(double pps) {
  if (pps >= 1e6) return fmt::format("{:.2f} Mpkt/s", pps / 1e6);
  if (pps >= 1e3) return fmt::format("{:.1f} kpkt/s", pps / 1e3);
  return fmt::format("{:.0f} pkt/s", pps);
}

}  // namespace

FileProgress::FileProgress(const std::vector<std::string>& files, bool writes_stdout_while_reading) {
  if (files.empty() || ::isatty(STDERR_FILENO) == 0) return;
  if (writes_stdout_while_reading && ::isatty(STDOUT_FILENO) != 0) return;
  for (const std::string& f : files) {
    struct stat st {};
    if (f == "-" || ::stat(f.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    sizes_.push_back(static_cast<std::uint64_t>(st.st_size));
    total_ += static_cast<std::uint64_t>(st.st_size);
  }
  enabled_ = total_ > 0;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

FileProgress::~FileProgress() {
  finish();
}

void FileProgress::next_file() noexcept {
  if (file_ > 0 && file_ - 1 < sizes_.size()) before_ += sizes_[file_ - 1];
  ++file_;
}

void FileProgress::finish() noexcept {
  if (!drawn_) return;
  drawn_ = false;
  try {
    write_stderr("\r\033[K");
  } catch (...) {
  }
}

void FileProgress::maybe_draw(std::uint64_t position) noexcept {
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < kFirstDrawAfter || (drawn_ && now - last_draw_ < kRedrawEvery)) return;
  last_draw_ = now;
  try {
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::string line(1, '\r');
    line += render(before_ + position, total_, packets_, secs, terminal_columns());
    line += "\033[K";
    write_stderr(line);
    drawn_ = true;
  } catch (...) {
    // Formatting failed (out of memory): the progress line is not worth failing the run for.
  }
}

std::string FileProgress::render(std::uint64_t done, std::uint64_t total, std::uint64_t packets,
                                 double seconds, std::size_t columns) {
  done = std::min(done, total);
  const double fraction = total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
  const double bytes_per_s = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::string eta = "--:--";
  if (bytes_per_s > 0 && done > 0) eta = eta_text(static_cast<double>(total - done) / bytes_per_s);
  const std::string info = fmt::format(
      " {:5.1f}%  {:>8} / {:<8}  {:>11} packets  {:>12}  ETA {:>7}", 100.0 * fraction,
      human_bytes(static_cast<double>(done)), human_bytes(static_cast<double>(total)), with_commas(packets),
      packets_rate_text(seconds > 0 ? static_cast<double>(packets) / seconds : 0.0), eta);
  // Leave the last columns free so the terminal never wraps the line, not even after the "^C"
  // it echoes on Ctrl-C (a wrapped line could not be erased with one carriage return).
  constexpr std::size_t kFree = 3;
  const std::size_t room = columns > info.size() + kFree ? columns - info.size() - kFree : 0;
  if (room < 12) return info.substr(0, columns > kFree ? columns - kFree : 0);
  const std::size_t inner = std::min<std::size_t>(room - 2, 40);
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(inner));
  std::string line(1, '[');
  line.append(filled, '#');
  line.append(inner - filled, '.');
  line += ']';
  line += info;
  return line;
}

}  // namespace nta
