#pragma once
// Turning hostile wire bytes (DNS names, HTTP headers, TLS server names, SSH banners) into text
// that is safe to print: printable ASCII stays, everything else becomes a visible escape.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace nta {

// The longest string the application inspector stores for one field (after escaping).
inline constexpr std::size_t kMaxAppFieldLen = 1024;

// The escape rule: bytes 0x20..0x7e are copied, except the backslash; every other byte (control
// characters, DEL, any byte >= 0x80, so also UTF-8 sequences) and the backslash become `\xNN` with
// two lowercase hex digits. Bytes listed in `also_escape` are escaped too (the DNS parser passes
// "." for dots inside a label, the ALPN list ","). The result is printable ASCII only, and the
// original bytes can be recovered from it. It is not CSV or JSON quoting: writers still quote.
std::string escape_for_text(std::span<const std::uint8_t> bytes, std::string_view also_escape = {});
std::string escape_for_text(std::string_view bytes, std::string_view also_escape = {});

// Appends the escaped form of `bytes` to `out` while out.size() stays <= max_len; an escape
// sequence is never cut. Returns false when it stopped early (the field is truncated).
bool append_escaped(std::string& out, std::span<const std::uint8_t> bytes, std::size_t max_len,
                    std::string_view also_escape = {});

// The same into a fixed buffer: writes at most out.size() characters, never cutting an escape
// sequence; returns the number written. Sets `truncated` when it stopped early. No allocation.
std::size_t escape_into(std::span<char> out, std::span<const std::uint8_t> bytes, bool& truncated,
                        std::string_view also_escape = {}) noexcept;

}  // namespace nta
