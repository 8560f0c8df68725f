#include "report/html_escape.h"

#include <cstdint>

namespace nta {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i] (1..4), or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[i + k]); };
  const std::uint8_t c = b(0);
  if (c < 0x80) return 1;
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0; // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

// Walks `s` as UTF-8; calls ascii(c) for each ASCII byte and other(seq) for each other
// well-formed sequence; malformed bytes become U+FFFD.
template <class Ascii, class Other>
void walk(std::string_view s, Ascii&& ascii, Other&& other) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_length(s, i);
    if (n == 1) {
      ascii(s[i]);
    } else if (n == 0) {
      other(kReplacement);
    } else {
      other(s.substr(i, n));
    }
    i += n == 0 ? 1 : n;
  }
}

bool dropped_control(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\n') || u == 0x7F;
}

void append_markup(std::string& out, std::string_view s, bool attribute) {
  out.reserve(out.size() + s.size());
  walk(
      s,
      [&](char c) {
        switch (c) {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '"': out += "&quot;"; break;
          case '\'': out += "&#39;"; break;
          case '`': out += attribute ? "&#96;" : "`"; break;
          case '\n': out += attribute ? "&#10;" : "\n"; break;
          default:
            if (dropped_control(c)) {
              out += kReplacement;
            } else {
              out += c;
            }
        }
      },
      [&](std::string_view seq) { out += seq; });
}

}  // namespace

void append_html_text(std::string& out, std::string_view s) { append_markup(out, s, false); }

std::string escape_html_text(std::string_view s) {
  std::string out;
  append_html_text(out, s);
  return out;
}

void append_html_attribute(std::string& out, std::string_view s) { append_markup(out, s, true); }

std::string escape_html_attribute(std::string_view s) {
  std::string out;
  append_html_attribute(out, s);
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  walk(
      s,
      [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          case '\n': out += "\\n"; break;
          case '\t': out += "\\t"; break;
          case '<': out += "\\u003c"; break;
          case '>': out += "\\u003e"; break;
          case '&': out += "\\u0026"; break;
          default:
            if (u < 0x20 || u == 0x7F) {
              out += "\\u00";
              out += kHex[u >> 4];
              out += kHex[u & 0xF];
            } else {
              out += c;
            }
        }
      },
      [&](std::string_view seq) {
        if (seq == "\xE2\x80\xA8") {
          out += "\\u2028";
        } else if (seq == "\xE2\x80\xA9") {
          out += "\\u2029";
        } else {
          out += seq;
        }
      });
  out += '"';
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace nta
