#include "app/ssh_banner.h"

#include <cstddef>
#include <cstring>

namespace nta {
namespace {

SshBanner banner_at(std::span<const std::uint8_t> s) noexcept {
  SshBanner b;
  const void* nl = std::memchr(s.data(), '\n', s.size());
  if (nl == nullptr) {
    b.line = s;
    return b;
  }
  std::size_t n = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - s.data());
  if (n > 0 && s[n - 1] == '\r') --n;
  b.line = s.first(n);
  b.complete = true;
  return b;
}

}  // namespace

bool looks_like_ssh_banner(std::span<const std::uint8_t> payload) noexcept {
  return payload.size() >= 4 && std::memcmp(payload.data(), "SSH-", 4) == 0;
}

bool find_ssh_banner(std::span<const std::uint8_t> payload, bool allow_preceding_lines,
                     SshBanner& out) noexcept {
  for (std::size_t start = 0; start < payload.size();) {
    const auto rest = payload.subspan(start);
    if (looks_like_ssh_banner(rest)) {
      out = banner_at(rest);
      return true;
    }
    if (!allow_preceding_lines) return false;
    const void* nl = std::memchr(rest.data(), '\n', rest.size());
    if (nl == nullptr) return false;
    start += static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - rest.data()) + 1;
  }
  return false;
}

}  // namespace nta
