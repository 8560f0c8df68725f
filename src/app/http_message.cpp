#include "app/http_message.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace nta {
namespace {

constexpr std::array<std::string_view, 9> kMethods = {"GET",     "POST",  "HEAD",    "PUT",  "DELETE",
                                                      "OPTIONS", "PATCH", "CONNECT", "TRACE"};

bool starts_with(std::span<const std::uint8_t> s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

// Length of the method token (including nothing after it) when payload starts with "<method> ".
std::size_t method_length(std::span<const std::uint8_t> payload) noexcept {
  for (const std::string_view m : kMethods) {
    if (payload.size() > m.size() && payload[m.size()] == ' ' && starts_with(payload, m)) return m.size();
  }
  return 0;
}

bool is_space(std::uint8_t c) noexcept {
  return c == ' ' || c == '\t';
}

std::span<const std::uint8_t> trim(std::span<const std::uint8_t> s) noexcept {
  while (!s.empty() && is_space(s.front())) s = s.subspan(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s = s.first(s.size() - 1);
  return s;
}

bool equals_lower(std::span<const std::uint8_t> s, std::string_view lower) noexcept {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint8_t c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<std::uint8_t>(c + ('a' - 'A'));
    if (c != static_cast<std::uint8_t>(lower[i])) return false;
  }
  return true;
}

// The offset of the first '\n' at or after `from`, or npos.
std::size_t find_newline(std::span<const std::uint8_t> s, std::size_t from) noexcept {
  if (from >= s.size()) return std::string_view::npos;
  const void* p = std::memchr(s.data() + from, '\n', s.size() - from);
  return p == nullptr ? std::string_view::npos
                      : static_cast<std::size_t>(static_cast<const std::uint8_t*>(p) - s.data());
}

bool is_digit(std::uint8_t c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

bool looks_like_http_request(std::span<const std::uint8_t> payload) noexcept {
  return method_length(payload) != 0;
}

bool looks_like_http_response(std::span<const std::uint8_t> payload) noexcept {
  return payload.size() >= 12 && (starts_with(payload, "HTTP/1.1 ") || starts_with(payload, "HTTP/1.0 ")) &&
         is_digit(payload[9]) && is_digit(payload[10]) && is_digit(payload[11]);
}

bool parse_http_request(std::span<const std::uint8_t> payload, HttpRequest& out) noexcept {
  out = HttpRequest{};
  const std::size_t mlen = method_length(payload);
  if (mlen == 0) return false;
  out.method = payload.first(mlen);
  const std::size_t eol = find_newline(payload, mlen + 1);
  std::span<const std::uint8_t> line =
      eol == std::string_view::npos ? payload.subspan(mlen + 1) : payload.subspan(mlen + 1, eol - mlen - 1);
  if (!line.empty() && line.back() == '\r') line = line.first(line.size() - 1);
  // The URI runs to the next space; the rest is the version.
  std::size_t sp = 0;
  while (sp < line.size() && line[sp] != ' ') ++sp;
  out.uri = line.first(sp);
  if (eol == std::string_view::npos) {
    out.uri_cut = sp == line.size();
    return true;  // the line is cut: no headers to read
  }
  if (sp < line.size()) out.version = trim(line.subspan(sp + 1));
  // Header lines; only complete ones count.
  for (std::size_t start = eol + 1;;) {
    const std::size_t end = find_newline(payload, start);
    if (end == std::string_view::npos) break;
    std::span<const std::uint8_t> h = payload.subspan(start, end - start);
    if (!h.empty() && h.back() == '\r') h = h.first(h.size() - 1);
    if (h.empty()) {
      out.headers_complete = true;
      break;
    }
    std::size_t colon = 0;
    while (colon < h.size() && h[colon] != ':') ++colon;
    if (colon < h.size()) {
      const auto name = h.first(colon);
      if (!out.has_host && equals_lower(name, "host")) {
        out.host = trim(h.subspan(colon + 1));
        out.has_host = true;
      } else if (!out.has_user_agent && equals_lower(name, "user-agent")) {
        out.user_agent = trim(h.subspan(colon + 1));
        out.has_user_agent = true;
      }
    }
    start = end + 1;
  }
  return true;
}

std::uint16_t parse_http_status(std::span<const std::uint8_t> payload) noexcept {
  if (!looks_like_http_response(payload)) return 0;
  if (payload.size() > 12 && is_digit(payload[12])) return 0;  // not a 3-digit code
  return static_cast<std::uint16_t>((payload[9] - '0') * 100 + (payload[10] - '0') * 10 +
                                    (payload[11] - '0'));
}

}  // namespace nta
