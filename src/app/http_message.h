#pragma once
// HTTP/1.x request and status lines and two request headers (Host, User-Agent), read in place
// from one TCP payload (RFC 9112). Only complete lines are used: a header cut by the end of the
// segment is absent, never half a value. The request line itself may be cut (a long URI): then
// the URI is what was captured and uri_cut is set. No reassembly, no allocation.
#include <cstdint>
#include <span>

namespace nta {

struct HttpRequest {
  std::span<const std::uint8_t> method;
  std::span<const std::uint8_t> uri;
  std::span<const std::uint8_t> version;  // "HTTP/1.1"; empty when the line is cut or HTTP/0.9
  std::span<const std::uint8_t> host;     // first Host header's value, whitespace trimmed
  std::span<const std::uint8_t> user_agent;
  bool has_host = false;
  bool has_user_agent = false;
  bool uri_cut = false;           // the request line did not end within the payload
  bool headers_complete = false;  // the empty line ending the headers was seen
};

// True when `payload` starts with a known method token and a space ("GET ", "POST ", ...): the
// content signature of a request.
bool looks_like_http_request(std::span<const std::uint8_t> payload) noexcept;
// True when `payload` starts with "HTTP/1.0 " or "HTTP/1.1 " and a 3-digit status code.
bool looks_like_http_response(std::span<const std::uint8_t> payload) noexcept;

// Parses a request at the start of `payload`; false when it does not look like one.
bool parse_http_request(std::span<const std::uint8_t> payload, HttpRequest& out) noexcept;
// The status code of a response at the start of `payload`, or 0.
std::uint16_t parse_http_status(std::span<const std::uint8_t> payload) noexcept;

}  // namespace nta
