#include "output/flow_writer.h"

#include <fmt/format.h>

#include <cctype>

#include "app/service.h"
#include "core/timestamp.h"
#include "decode/decoder.h"
#include "decode/packet_view.h"

namespace nta {
namespace {

constexpr const char* kCsvHeader =
    "ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,service,duration,orig_bytes,resp_bytes,"
    "conn_state,history,orig_pkts,orig_ip_bytes,resp_pkts,resp_ip_bytes,community_id,vlan,flow_end,"
    "service_source,dns_query,dns_qtype,dns_rcode,dns_answers,http_method,http_host,http_uri,"
    "http_status,http_user_agent,tls_sni,tls_version,tls_alpn,ssh_client,ssh_server\n";
constexpr const char* kCsvAnomalyHeader = ",anomaly_score,anomaly_flagged,anomaly_top\n";

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string iso_time(Timestamp t) {
  char buf[kMaxTimestampText];
  return {buf, format_iso8601_us(t, buf)};
}

std::string duration_text(std::int64_t ns) {
  return fmt::format("{}.{:06}", ns / 1'000'000'000, (ns % 1'000'000'000) / 1000);
}

// RFC 4180: quote a field that holds a comma, a quote or a line break; double inner quotes.
void append_csv(std::string& line, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += v;
    return;
  }
  line += '"';
  for (char c : v) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

// JSON string body: quotes, backslashes and control bytes escaped; other bytes as they are (the
// application fields hold printable ASCII already, see app/text_escape.h).
void append_json_string(std::string& line, std::string_view v) {
  line += '"';
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      line += '\\';
      line += c;
    } else if (u < 0x20 || u == 0x7f) {
      line += fmt::format("\\u{:04x}", u);
    } else {
      line += c;
    }
  }
  line += '"';
}

struct FieldView {
  std::string ts, orig_h, resp_h, proto, service, duration, conn_state, history, community_id, flow_end;
  std::string service_source;
};

FieldView common_fields(const FlowRecord& r, const AppState& state) {
  FieldView f;
  f.ts = iso_time(r.first_ts);
  f.orig_h = to_string(r.key.orig_addr);
  f.resp_h = to_string(r.key.resp_addr);
  f.proto = flow_proto_name(r.key.ip_proto);
  f.service = std::string(service_name(state.service));
  f.service_source = state.service == Service::kUnknown ? "" : (state.service_from_content() ? "content" : "port");
  f.duration = duration_text(r.duration_ns());
  f.conn_state = std::string(conn_state_name(r.conn_state));
  f.history = std::string(r.history_view());
  f.community_id = std::string(r.community_id_view());
  f.flow_end = std::string(end_reason_name(r.end_reason));
  return f;
}

bool has_ports(const FlowRecord& r) {
  return (r.flags & FlowRecord::kFlagNoPorts) == 0 && has_port_semantics(r.key.ip_proto);
}

}  // namespace

FlowFormat flow_format_for(const std::string& path) noexcept {
  return ends_with(path, ".jsonl") || ends_with(path, ".json") || ends_with(path, ".ndjson")
             ? FlowFormat::kJsonLines
             : FlowFormat::kCsv;
}

std::string flow_proto_name(std::uint8_t ip_proto) {
  switch (ip_proto) {
    case ipproto::kTcp: return "tcp";
    case ipproto::kUdp: return "udp";
    case ipproto::kIcmp:
    case ipproto::kIcmpv6: return "icmp";
    case ipproto::kSctp: return "sctp";
    default: break;
  }
  std::string name(ip_protocol_name(ip_proto));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string tls_version_name(std::uint16_t version) {
  switch (version) {
    case 0: return "";
    case 0x0200: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv10";
    case 0x0302: return "TLSv11";
    case 0x0303: return "TLSv12";
    case 0x0304: return "TLSv13";
    default: return fmt::format("0x{:04x}", version);
  }
}

FlowWriter::FlowWriter(const std::string& path, FlowFormat format, bool anomaly_fields)
    : out_(path), format_(format), anomaly_fields_(anomaly_fields) {
  if (format_ != FlowFormat::kCsv) return;
  if (anomaly_fields_) {
    std::string_view header(kCsvHeader);
    header.remove_suffix(1);
    out_.append(header);
    out_.append(kCsvAnomalyHeader);
  } else {
    out_.append(kCsvHeader);
  }
}

void FlowWriter::write(const FlowRecord& r, const AppState& state, const AppInfo* app,
                       const AnomalyVerdict* verdict) {
  line_.clear();
  if (format_ == FlowFormat::kCsv) {
    write_csv(r, state, app);
    if (anomaly_fields_) write_csv_anomaly(verdict);
    line_ += '\n';
  } else {
    write_json(r, state, app);
    if (verdict != nullptr) write_json_anomaly(*verdict);
    line_ += "}\n";
  }
  out_.append(line_);
  ++rows_;
}

// ",score,flagged,name=value;name=value;name=value" (values in the feature's natural unit).
void FlowWriter::write_csv_anomaly(const AnomalyVerdict* verdict) {
  if (verdict == nullptr) {
    line_ += ",,,";
    return;
  }
  fmt::format_to(std::back_inserter(line_), ",{:.6f},{},", verdict->score, verdict->flagged ? 1 : 0);
  bool first = true;
  for (const FeatureContribution& c : verdict->top_features()) {
    if (!first) line_ += ';';
    first = false;
    fmt::format_to(std::back_inserter(line_), "{}={:.6g}", c.name, c.value);
  }
}

void FlowWriter::write_json_anomaly(const AnomalyVerdict& verdict) {
  fmt::format_to(std::back_inserter(line_), ",\"anomaly_score\":{:.6f},\"anomaly_flagged\":{},\"anomaly_top\":[",
                 verdict.score, verdict.flagged ? "true" : "false");
  bool first = true;
  for (const FeatureContribution& c : verdict.top_features()) {
    if (!first) line_ += ',';
    first = false;
    line_ += "{\"feature\":";
    append_json_string(line_, c.name);
    fmt::format_to(std::back_inserter(line_), ",\"value\":{:.6g},\"weight\":{:.4f}}}", c.value, c.weight);
  }
  line_ += ']';
}

void FlowWriter::write_csv(const FlowRecord& r, const AppState& state, const AppInfo* app) {
  const FieldView f = common_fields(r, state);
  const bool ports = has_ports(r) || r.key.ip_proto == ipproto::kIcmp || r.key.ip_proto == ipproto::kIcmpv6;
  auto num = [this](std::uint64_t v) { fmt::format_to(std::back_inserter(line_), "{}", v); };
  auto sep = [this] { line_ += ','; };
  line_ += f.ts; sep();
  line_ += r.uid_view(); sep();
  line_ += f.orig_h; sep();
  if (ports) num(r.key.orig_port);
  sep();
  line_ += f.resp_h; sep();
  if (ports) num(r.key.resp_port);
  sep();
  line_ += f.proto; sep();
  line_ += f.service; sep();
  line_ += f.duration; sep();
  num(r.orig.payload_bytes); sep();
  num(r.resp.payload_bytes); sep();
  line_ += f.conn_state; sep();
  append_csv(line_, f.history); sep();
  num(r.orig.packets); sep();
  num(r.orig.ip_bytes); sep();
  num(r.resp.packets); sep();
  num(r.resp.ip_bytes); sep();
  line_ += f.community_id; sep();
  if (r.key.vlan != 0) num(r.key.vlan);
  sep();
  line_ += f.flow_end; sep();
  line_ += f.service_source; sep();
  if (app != nullptr && (app->dns_seen_query || app->dns_seen_response)) {
    append_csv(line_, app->dns_query); sep();
    num(app->dns_qtype); sep();
    if (app->dns_seen_response) num(app->dns_rcode);
    sep();
    if (app->dns_seen_response) num(app->dns_answers);
    sep();
  } else {
    line_ += ",,,,";
  }
  if (app != nullptr) {
    append_csv(line_, app->http_method); sep();
    append_csv(line_, app->http_host); sep();
    append_csv(line_, app->http_uri); sep();
    if (app->http_status != 0) num(app->http_status);
    sep();
    append_csv(line_, app->http_user_agent); sep();
    append_csv(line_, app->tls_sni); sep();
    line_ += tls_version_name(app->tls_version); sep();
    append_csv(line_, app->tls_alpn); sep();
    append_csv(line_, app->ssh_client_banner); sep();
    append_csv(line_, app->ssh_server_banner);
  } else {
    line_ += ",,,,,,,,,";
  }
}

void FlowWriter::write_json(const FlowRecord& r, const AppState& state, const AppInfo* app) {
  const FieldView f = common_fields(r, state);
  const bool ports = has_ports(r) || r.key.ip_proto == ipproto::kIcmp || r.key.ip_proto == ipproto::kIcmpv6;
  auto key = [this](std::string_view k) {
    if (line_.size() > 1) line_ += ',';
    line_ += '"';
    line_ += k;
    line_ += "\":";
  };
  auto str = [&](std::string_view k, std::string_view v) {
    key(k);
    append_json_string(line_, v);
  };
  auto num = [&](std::string_view k, std::uint64_t v) {
    key(k);
    fmt::format_to(std::back_inserter(line_), "{}", v);
  };
  line_ += '{';
  str("ts", f.ts);
  str("uid", r.uid_view());
  str("id.orig_h", f.orig_h);
  if (ports) num("id.orig_p", r.key.orig_port);
  str("id.resp_h", f.resp_h);
  if (ports) num("id.resp_p", r.key.resp_port);
  str("proto", f.proto);
  if (!f.service.empty()) {
    str("service", f.service);
    str("service_source", f.service_source);
  }
  key("duration");
  line_ += f.duration;
  num("orig_bytes", r.orig.payload_bytes);
  num("resp_bytes", r.resp.payload_bytes);
  str("conn_state", f.conn_state);
  str("history", f.history);
  num("orig_pkts", r.orig.packets);
  num("orig_ip_bytes", r.orig.ip_bytes);
  num("resp_pkts", r.resp.packets);
  num("resp_ip_bytes", r.resp.ip_bytes);
  if (!f.community_id.empty()) str("community_id", f.community_id);
  if (r.key.vlan != 0) num("vlan", r.key.vlan);
  str("flow_end", f.flow_end);
  if (app != nullptr) {
    if (app->dns_seen_query || app->dns_seen_response) {
      str("dns_query", app->dns_query);
      num("dns_qtype", app->dns_qtype);
      if (app->dns_seen_response) {
        num("dns_rcode", app->dns_rcode);
        num("dns_answers", app->dns_answers);
      }
    }
    if (!app->http_method.empty()) str("http_method", app->http_method);
    if (!app->http_host.empty()) str("http_host", app->http_host);
    if (!app->http_uri.empty()) str("http_uri", app->http_uri);
    if (app->http_status != 0) num("http_status", app->http_status);
    if (!app->http_user_agent.empty()) str("http_user_agent", app->http_user_agent);
    if (!app->tls_sni.empty()) str("tls_sni", app->tls_sni);
    if (app->tls_version != 0) str("tls_version", tls_version_name(app->tls_version));
    if (!app->tls_alpn.empty()) str("tls_alpn", app->tls_alpn);
    if (!app->ssh_client_banner.empty()) str("ssh_client", app->ssh_client_banner);
    if (!app->ssh_server_banner.empty()) str("ssh_server", app->ssh_server_banner);
  }
}

}  // namespace nta
