#include "app/text_escape.h"

namespace nta {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool needs_escape(std::uint8_t b, std::string_view also_escape) noexcept {
  if (b < 0x20 || b > 0x7e || b == '\\') return true;
  return !also_escape.empty() && also_escape.find(static_cast<char>(b)) != std::string_view::npos;
}

// Writes the escaped form of b at p (4 or 1 characters); returns the count.
std::size_t put(char* p, std::uint8_t b, bool escape) noexcept {
  if (!escape) {
    *p = static_cast<char>(b);
    return 1;
  }
  p[0] = '\\';
  p[1] = 'x';
  p[2] = kHex[b >> 4];
  p[3] = kHex[b & 0x0f];
  return 4;
}

}  // namespace

std::size_t escape_into(std::span<char> out, std::span<const std::uint8_t> bytes, bool& truncated,
                        std::string_view also_escape) noexcept {
  std::size_t n = 0;
  for (const std::uint8_t b : bytes) {
    const bool escape = needs_escape(b, also_escape);
    const std::size_t width = escape ? 4 : 1;
    if (width > out.size() - n) {
      truncated = true;
      return n;
    }
    n += put(out.data() + n, b, escape);
  }
  return n;
}

bool append_escaped(std::string& out, std::span<const std::uint8_t> bytes, std::size_t max_len,
                    std::string_view also_escape) {
  char unit[4];
  for (const std::uint8_t b : bytes) {
    const bool escape = needs_escape(b, also_escape);
    const std::size_t width = put(unit, b, escape);
    if (out.size() > max_len || width > max_len - out.size()) return false;
    out.append(unit, width);
  }
  return true;
}

std::string escape_for_text(std::span<const std::uint8_t> bytes, std::string_view also_escape) {
  std::string out;
  out.reserve(bytes.size());
  append_escaped(out, bytes, static_cast<std::size_t>(-1), also_escape);
  return out;
}

std::string escape_for_text(std::string_view bytes, std::string_view also_escape) {
  return escape_for_text(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
      also_escape);
}

}  // namespace nta
