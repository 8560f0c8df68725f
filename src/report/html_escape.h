#pragma once
// Escaping for the three contexts the HTML report writes text into. Every function also makes the
// text valid UTF-8 (a byte that does not start a well-formed sequence becomes U+FFFD) and drops
// control characters other than tab and newline, so nothing from the wire can change how the
// document parses.
#include <string>
#include <string_view>

namespace nta {

// Element content: & < > escaped (quotes too, so the result is also safe in a quoted attribute).
void append_html_text(std::string& out, std::string_view s);
[[nodiscard]] std::string escape_html_text(std::string_view s);

// A double-quoted attribute value: & < > " ' and the backtick escaped.
void append_html_attribute(std::string& out, std::string_view s);
[[nodiscard]] std::string escape_html_attribute(std::string_view s);

// A JSON string literal (with its quotes) safe inside <script type="application/json">: < > & are
// written as \u003c \u003e \u0026 (so "</script>" and "<!--" cannot appear), U+2028 and U+2029 as
// \u2028 \u2029, controls as \u00XX.
void append_json_string(std::string& out, std::string_view s);
[[nodiscard]] std::string json_string(std::string_view s);

}  // namespace nta
