#pragma once
// What the application inspector found in a flow. Allocated (once per flow) only when a payload
// identified a service or carried something worth keeping; flows without findings carry a null
// pointer. Every string is escaped (escape_for_text) and at most kMaxAppFieldLen bytes.
#include <cstdint>
#include <string>

#include "app/text_escape.h"

namespace nta {

// The string fields, for AppInfo::truncated().
enum class AppField : std::uint8_t {
  kDnsQuery,
  kHttpMethod,
  kHttpUri,
  kHttpHost,
  kHttpUserAgent,
  kTlsSni,
  kTlsAlpn,
  kSshClientBanner,
  kSshServerBanner,
};

struct AppInfo {
  // DNS: the first query, and the first response with the same transaction id (or, with no query
  // seen, the first response). dns_query is the question's name ("." for the root).
  std::string dns_query;
  std::uint16_t dns_trans_id = 0;
  std::uint16_t dns_qtype = 0;
  std::uint16_t dns_answers = 0;  // ANCOUNT of the response
  std::uint8_t dns_rcode = 0;     // RCODE of the response (valid when dns_seen_response)
  bool dns_seen_query = false;
  bool dns_seen_response = false;
  bool dns_malformed = false;  // a message on a DNS port whose question could not be read

  // HTTP/1.x: the first request (line, Host and User-Agent when within its first segment) and the
  // first final status (a 1xx other than 101 may be replaced by the one that follows).
  std::string http_method;
  std::string http_uri;
  std::string http_host;
  std::string http_user_agent;
  std::uint16_t http_status = 0;

  // TLS: the ClientHello's server_name, ALPN protocols (joined by ',', a ',' inside a name is
  // escaped) and version (highest of supported_versions when present, so TLS 1.3 reads 0x0304);
  // the ServerHello's selected version.
  std::string tls_sni;
  std::string tls_alpn;
  std::uint16_t tls_version = 0;
  std::uint16_t tls_server_version = 0;
  bool tls_truncated = false;  // the ClientHello did not fit in its first segment
  bool tls_malformed = false;

  // SSH identification strings, without CR LF.
  std::string ssh_client_banner;
  std::string ssh_server_banner;

  std::uint16_t truncated_fields = 0;  // a bit per AppField

  [[nodiscard]] bool truncated(AppField f) const noexcept {
    return ((truncated_fields >> static_cast<unsigned>(f)) & 1u) != 0;
  }
  void mark_truncated(AppField f) noexcept {
    truncated_fields = static_cast<std::uint16_t>(truncated_fields | (1u << static_cast<unsigned>(f)));
  }
};

}  // namespace nta
