// The inspector's dispatch: the port guess on a flow's first packet, content signatures on the
// first payloads, then the one parser of the identified service. See docs/app_layer.md.
#include "app/app_inspector.h"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

#include "app/dns_message.h"
#include "app/http_message.h"
#include "app/ssh_banner.h"
#include "app/tls_hello.h"
#include "decode/byte_reader.h"

namespace nta::detail {
namespace {

using Bytes = std::span<const std::uint8_t>;

bool is_dns_port(std::uint16_t p) noexcept {
  return p == 53 || p == 5353 || p == 5355;
}

AppInfo& ensure(std::unique_ptr<AppInfo>& info) {
  if (!info) info = std::make_unique<AppInfo>();
  return *info;
}

// Stores `bytes` escaped into an empty field, capped at kMaxAppFieldLen.
void store(AppInfo& info, std::string& field, AppField which, Bytes bytes) {
  field.clear();
  field.reserve(std::min(bytes.size(), kMaxAppFieldLen));  // one allocation when nothing needs escaping
  if (!append_escaped(field, bytes, kMaxAppFieldLen)) info.mark_truncated(which);
}

// A DNS name is escaped by the parser already (and fits the cap by construction): copied as is.
void store_dns_name(AppInfo& info, const DnsName& name) {
  info.dns_query.assign(name.view());
}

Bytes as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::uint8_t direction_done(bool from_originator) noexcept {
  return from_originator ? AppState::kOrigDone : AppState::kRespDone;
}

// ---- DNS ---------------------------------------------------------------------------------------

// Reads a DNS message from a UDP payload, or from a TCP segment: normally the 2-byte length and the
// message (RFC 1035 4.2.2, as much of it as is captured); some stacks send the length in a segment
// of its own, and then the next segment is the bare message. Returns false when there is no header.
bool read_dns(Bytes payload, bool tcp, DnsMessage& m) noexcept {
  if (!tcp || payload.size() < 2) return parse_dns_message(payload, m);
  const Bytes framed =
      payload.subspan(2, std::min<std::size_t>(load_be16(payload.data()), payload.size() - 2));
  if (parse_dns_message(framed, m) && m.has_question) return true;
  if (parse_dns_message(payload, m) && m.has_question) return true;  // a bare message
  return parse_dns_message(framed, m);  // neither: what the framed reading says (malformed, or none)
}

// Returns true when the payload is a DNS message with a readable question.
bool handle_dns(Bytes payload, bool tcp, bool from_originator, AppState& state,
                std::unique_ptr<AppInfo>& info) {
  DnsMessage m;
  if (!read_dns(payload, tcp, m) || m.qdcount == 0) return false;
  AppInfo& a = ensure(info);
  if (!m.has_question) {
    a.dns_malformed = true;
    return false;
  }
  if (!m.is_response()) {
    if (!a.dns_seen_query && !a.dns_seen_response) {
      a.dns_seen_query = true;
      a.dns_trans_id = m.id;
      a.dns_qtype = m.qtype;
      store_dns_name(a, m.qname);
    }
    state.flags |= direction_done(from_originator);
    return true;
  }
  if (a.dns_seen_response || (a.dns_seen_query && m.id != a.dns_trans_id)) return true;  // not ours
  a.dns_seen_response = true;
  a.dns_rcode = m.rcode();
  a.dns_answers = m.ancount;
  if (!a.dns_seen_query) {
    a.dns_trans_id = m.id;
    a.dns_qtype = m.qtype;
    store_dns_name(a, m.qname);
  }
  state.flags |= AppState::kOrigDone | AppState::kRespDone;
  return true;
}

// ---- HTTP --------------------------------------------------------------------------------------

bool handle_http(Bytes payload, bool from_originator, AppState& state, std::unique_ptr<AppInfo>& info) {
  if (looks_like_http_request(payload)) {
    AppInfo& a = ensure(info);
    HttpRequest r;
    if (a.http_method.empty() && parse_http_request(payload, r)) {
      store(a, a.http_method, AppField::kHttpMethod, r.method);
      store(a, a.http_uri, AppField::kHttpUri, r.uri);
      if (r.uri_cut) a.mark_truncated(AppField::kHttpUri);
      if (r.has_host) store(a, a.http_host, AppField::kHttpHost, r.host);
      if (r.has_user_agent) store(a, a.http_user_agent, AppField::kHttpUserAgent, r.user_agent);
    }
    state.flags |= direction_done(from_originator);
    return true;
  }
  const std::uint16_t status = parse_http_status(payload);
  if (status == 0) return false;
  AppInfo& a = ensure(info);
  if (a.http_status == 0 || (a.http_status < 200 && a.http_status != 101)) a.http_status = status;
  if (status >= 200 || status == 101) state.flags |= direction_done(from_originator);
  return true;
}

// ---- TLS ---------------------------------------------------------------------------------------

bool handle_tls(Bytes payload, bool from_originator, AppState& state, std::unique_ptr<AppInfo>& info) {
  const TlsHello h = parse_tls_hello(payload);
  if (h.kind == TlsHelloKind::kNone) return false;
  AppInfo& a = ensure(info);
  if (h.kind == TlsHelloKind::kClientHello) {
    if (a.tls_version == 0) {
      a.tls_version = h.version();
      a.tls_truncated = h.truncated;
      a.tls_malformed = a.tls_malformed || h.malformed;
      if (h.has_server_name) store(a, a.tls_sni, AppField::kTlsSni, h.server_name);
      if (h.has_alpn) {
        bool complete = true;
        a.tls_alpn.reserve(std::min(h.alpn.size(), kMaxAppFieldLen));
        for_each_alpn_protocol(h.alpn, [&](Bytes proto) {
          if (!complete) return;
          if (!a.tls_alpn.empty()) complete = append_escaped(a.tls_alpn, as_bytes(","), kMaxAppFieldLen);
          if (complete) complete = append_escaped(a.tls_alpn, proto, kMaxAppFieldLen, ",");
        });
        if (!complete) a.mark_truncated(AppField::kTlsAlpn);
      }
    }
  } else {
    if (a.tls_server_version == 0) a.tls_server_version = h.version();
    a.tls_malformed = a.tls_malformed || h.malformed;
  }
  state.flags |= direction_done(from_originator);
  return true;
}

// ---- SSH ---------------------------------------------------------------------------------------

bool handle_ssh(Bytes payload, bool from_originator, AppState& state, std::unique_ptr<AppInfo>& info) {
  SshBanner b;
  // A server may send other lines before its identification (RFC 4253 4.2); a client may not.
  if (!find_ssh_banner(payload, !from_originator, b)) return false;
  AppInfo& a = ensure(info);
  std::string& field = from_originator ? a.ssh_client_banner : a.ssh_server_banner;
  const AppField which = from_originator ? AppField::kSshClientBanner : AppField::kSshServerBanner;
  if (field.empty()) {
    store(a, field, which, b.line);
    if (!b.complete) a.mark_truncated(which);
  }
  state.flags |= direction_done(from_originator);
  return true;
}

void identify(Service s, AppState& state) noexcept {
  state.service = s;
  state.flags |= AppState::kByContent;
}

}  // namespace

void inspect_app_packet(const PacketView& v, bool from_originator, AppState& state,
                        std::unique_ptr<AppInfo>& info) noexcept {
  const bool tcp = v.ip_proto == ipproto::kTcp;
  const bool udp = v.ip_proto == ipproto::kUdp;
  if ((state.flags & AppState::kStarted) == 0) {
    state.flags |= AppState::kStarted;
    if (!v.has_ports || !(tcp || udp)) {
      state.flags |= AppState::kOrigDone | AppState::kRespDone;
      return;
    }
    const std::uint16_t orig_port = from_originator ? v.src_port : v.dst_port;
    const std::uint16_t resp_port = from_originator ? v.dst_port : v.src_port;
    state.service = service_for_ports(v.ip_proto, orig_port, resp_port);
  }
  const Bytes payload = v.l4_payload;
  if (payload.empty() || !v.has_ports || !(tcp || udp)) return;

  std::uint8_t& count = from_originator ? state.orig_payloads : state.resp_payloads;
  ++count;
  const bool dns_port = is_dns_port(v.src_port) || is_dns_port(v.dst_port);

  if (state.service_from_content()) {
    switch (state.service) {
      case Service::kDns:
        handle_dns(payload, tcp, from_originator, state, info);
        break;
      case Service::kHttp:
        handle_http(payload, from_originator, state, info);
        break;
      case Service::kSsl:
        handle_tls(payload, from_originator, state, info);
        break;
      case Service::kSsh:
        handle_ssh(payload, from_originator, state, info);
        break;
      default:
        break;
    }
  } else if (tcp) {
    if (looks_like_tls_hello(payload)) {
      if (handle_tls(payload, from_originator, state, info)) identify(Service::kSsl, state);
    } else if (looks_like_ssh_banner(payload) || (state.service == Service::kSsh && !from_originator)) {
      if (handle_ssh(payload, from_originator, state, info)) identify(Service::kSsh, state);
    } else if (looks_like_http_request(payload) || looks_like_http_response(payload)) {
      if (handle_http(payload, from_originator, state, info)) identify(Service::kHttp, state);
    } else if (dns_port) {
      if (handle_dns(payload, true, from_originator, state, info)) identify(Service::kDns, state);
    }
  } else if (dns_port) {
    if (handle_dns(payload, false, from_originator, state, info)) identify(Service::kDns, state);
  }

  if (count >= kAppMaxPayloadPackets) state.flags |= direction_done(from_originator);
}

}  // namespace nta::detail
