#include "output/buffered_writer.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace nta {

BufferedWriter::BufferedWriter(const std::string& path, std::size_t capacity)
    : path_(path), buffer_(capacity), capacity_(capacity) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error(ErrorKind::kIo, fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  }
  owns_fd_ = true;
}

BufferedWriter::~BufferedWriter() {
  try {
    flush();
  } catch (...) {
    // Destructors must not throw; callers who care call flush() themselves first.
  }
  if (owns_fd_) ::close(fd_);
}

void BufferedWriter::make_room(std::size_t n) {
  flush();
  if (capacity_ < n) {
    buffer_.resize(n);
    capacity_ = n;
  }
}

void BufferedWriter::flush() {
  std::size_t done = 0;
  while (done < used_ && !closed_) {
    const ssize_t w = ::write(fd_, buffer_.data() + done, used_ - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE && !owns_fd_) {
        closed_ = true;
        break;
      }
      const int err = errno;
      used_ = 0;
      throw Error(ErrorKind::kIo, fmt::format("cannot write '{}': {}",
                                              owns_fd_ ? path_ : std::string("standard output"),
                                              std::strerror(err)));
    }
    done += static_cast<std::size_t>(w);
  }
  used_ = 0;
}

}  // namespace nta
