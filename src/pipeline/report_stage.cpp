#include "pipeline/report_stage.h"

#include <fmt/core.h>

#include <algorithm>
#include <type_traits>

#include "pipeline/analyze_job.h"
#include "stats/port_service.h"

namespace nta {
namespace {

constexpr std::array<std::string_view, WireNameCounter::kKinds> kKindTitles = {
    "DNS queries", "HTTP hosts", "HTTP user agents", "TLS server names (SNI)"};
constexpr std::size_t kEvidenceChars = 400;  // evidence text per alert row, beyond it cut
constexpr std::size_t kEvidenceListItems = 12;

std::string time_text(Timestamp t) {
  char buf[kMaxTimestampText];
  return std::string(buf, format_console_time(t, buf));
}

std::string address_text(const IpAddress& a) { return a.empty() ? std::string() : to_string(a); }

template <class T>
void append_list(std::string& out, const std::vector<T>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size() && i < kEvidenceListItems; ++i) {
    if (i != 0) out += ',';
    if constexpr (std::is_same_v<T, std::string>) {
      out += v[i];
    } else {
      out += fmt::format("{}", v[i]);
    }
  }
  if (v.size() > kEvidenceListItems) out += fmt::format(",\xE2\x80\xA6 ({} in all)", v.size());
  out += ']';
}

std::string evidence_text(const Alert& a) {
  std::string out;
  for (const EvidenceItem& e : a.evidence) {
    if (!out.empty()) out += "; ";
    out += e.key;
    out += '=';
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            out += v;
          } else if constexpr (std::is_same_v<V, double>) {
            out += fmt::format("{:.4g}", v);
          } else if constexpr (std::is_same_v<V, std::int64_t>) {
            out += fmt::format("{}", v);
          } else {
            append_list(out, v);
          }
        },
        e.value);
    if (out.size() > kEvidenceChars) {
      out.resize(kEvidenceChars);
      out += "\xE2\x80\xA6";
      break;
    }
  }
  return out;
}

std::string port_label(const PortCount& p) {
  const std::string_view service = port_service_name(port_service_id(p.transport, p.port));
  return service.empty() ? fmt::format("{}/{}", transport_name(p.transport), p.port)
                         : fmt::format("{}/{} ({})", transport_name(p.transport), p.port, service);
}

void fill_traffic(ReportInput& in, const TrafficStats& s, std::size_t top) {
  in.packets = s.packets();
  in.bytes = s.bytes();
  in.hosts = s.talkers().size();
  if (s.packets() > 0) {
    // To the second: the overview shows a span, not a packet's time.
    in.first_time = time_text(s.first_seen()).substr(0, 19) + " UTC";
    in.last_time = time_text(s.last_seen()).substr(0, 19) + " UTC";
    in.duration_seconds = static_cast<double>(s.last_seen().ns - s.first_seen().ns) / 1e9;
  }
  for (const ProtocolCount& p : s.protocols()) in.protocols.push_back({std::string(p.name), p.packets, p.bytes});
  const ThroughputSeries& t = s.throughput();
  if (!t.empty()) {
    in.throughput.start_seconds = t.bucket_start(0).seconds();
    in.throughput.bucket_seconds = t.bucket_seconds();
    in.throughput.bytes.reserve(t.size());
    in.throughput.packets.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      in.throughput.bytes.push_back(static_cast<double>(t[i].bytes));
      in.throughput.packets.push_back(static_cast<double>(t[i].packets));
    }
  }
  for (const SizeBucket& b : s.packet_sizes()) {
    const std::string label = b.high ? fmt::format("{}-{}", b.low, *b.high) : fmt::format("{}+", b.low);
    in.packet_sizes.push_back({label, b.packets, b.bytes});
  }
  for (const TalkerCount& t2 : s.top_talkers_by_bytes(top)) {
    const TalkerCounters& c = t2.counters;
    in.talkers.push_back({to_string(t2.key), c.sent_packets, c.sent_bytes, c.received_packets, c.received_bytes});
  }
  for (const PortCount& p : s.top_destination_ports(top)) in.ports.push_back({port_label(p), p.packets, p.bytes});
  for (const ConversationCount& c : s.top_conversations_by_bytes(top)) {
    const ConversationCounters& k = c.counters;
    in.conversations.push_back({to_string(c.key.a), to_string(c.key.b), k.a_to_b_bytes, k.b_to_a_bytes, k.packets()});
  }
}

void fill_detection(ReportInput& in, const DetectionEngine& engine) {
  in.detection = true;
  const AlertCounters& counters = engine.alert_counters();
  in.alerts_raised = counters.raised;
  in.alerts_not_kept = counters.not_kept;
  std::array<std::array<std::uint64_t, kReportSeverities>, kDetectorCount> groups{};
  in.alerts.reserve(engine.alerts().size());
  for (const Alert& a : engine.alerts()) {
    const auto sev = static_cast<std::size_t>(a.severity);
    ++in.alerts_by_severity[sev];
    ++groups[static_cast<std::size_t>(a.detector)][sev];
    ReportAlert r;
    r.ts_ns = a.ts.ns;
    r.time = time_text(a.ts);
    r.severity = static_cast<int>(a.severity);
    r.detector = std::string(detector_name(a.detector));
    r.mitre = std::string(a.mitre);
    r.src = a.src.empty() ? a.src_mac : to_string(a.src);
    r.dest = address_text(a.dest);
    r.summary = a.summary;
    r.evidence = evidence_text(a);
    r.repeats = a.repeats;
    in.alerts.push_back(std::move(r));
  }
  std::sort(in.alerts.begin(), in.alerts.end(), [](const ReportAlert& x, const ReportAlert& y) { return x.ts_ns < y.ts_ns; });
  for (std::size_t d = 0; d < kDetectorCount; ++d) {
    std::uint64_t total = 0;
    for (std::uint64_t c : groups[d]) total += c;
    if (total > 0) in.alert_groups.push_back({std::string(detector_name(static_cast<DetectorId>(d))), groups[d]});
  }
  for (HostThreat& h : engine.scores()) {
    in.threats.push_back({h.label, h.score, h.roles(), h.alerts, h.by_severity, std::move(h.reasons)});
  }
}

void fill_anomaly(ReportInput& in, const FeatureStageResult& f) {
  in.anomaly = true;
  in.model = f.model_description.empty() ? f.model_path : fmt::format("{} ({})", f.model_path, f.model_description);
  in.threshold = f.threshold;
  in.flows_scored = f.flows;
  in.flows_flagged = f.flagged;
  in.score_histogram.assign(f.score_histogram.begin(), f.score_histogram.end());
  for (const AnomalousFlow& a : f.top) {
    ReportAnomalousFlow r{a.score, a.uid, a.orig, a.resp, a.proto, a.service, {}};
    for (std::size_t i = 0; i < a.top_count; ++i) {
      const FeatureContribution& c = a.top[i];
      r.explanation.push_back(fmt::format("{} = {:.4g} ({:.0f}%)", c.name, c.value, 100 * c.weight));
    }
    in.anomalous_flows.push_back(std::move(r));
  }
}

}  // namespace

void WireNameCounter::count(std::size_t kind, const std::string& name) {
  if (name.empty()) return;
  Kind& k = kinds_[kind];
  const auto it = k.counts.find(name);
  if (it != k.counts.end()) {
    ++it->second;
  } else if (k.counts.size() < kMaxNames) {
    k.counts.emplace(name, 1);
  } else {
    k.capped = true;
  }
}

void WireNameCounter::add(const AppInfo& info) {
  if (info.dns_seen_query || info.dns_seen_response) count(0, info.dns_query);
  count(1, info.http_host);
  count(2, info.http_user_agent);
  count(3, info.tls_sni);
}

std::vector<ReportNames> WireNameCounter::top(std::size_t n) const {
  std::vector<ReportNames> out;
  for (std::size_t k = 0; k < kKinds; ++k) {
    const Kind& kind = kinds_[k];
    if (kind.counts.empty()) continue;
    std::vector<std::pair<const std::string*, std::uint64_t>> all;
    all.reserve(kind.counts.size());
    for (const auto& [name, c] : kind.counts) all.emplace_back(&name, c);
    const std::size_t m = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(m), all.end(), [](const auto& x, const auto& y) {
      return x.second != y.second ? x.second > y.second : *x.first < *y.first;
    });
    ReportNames r;
    r.title = std::string(kKindTitles[k]);
    for (std::size_t i = 0; i < m; ++i) r.top.push_back({*all[i].first, all[i].second});
    r.distinct = kind.counts.size();
    r.capped = kind.capped;
    out.push_back(std::move(r));
  }
  return out;
}

ReportInput make_report_input(const AnalyzeConfig& config, const AnalyzeResult& result, const DetectionEngine* engine,
                              const WireNameCounter& names) {
  ReportInput in;
  if (config.live) {
    in.inputs.push_back("interface " + config.live->interface);
  } else {
    in.inputs = config.files;
  }
  in.title = "nta traffic report";
  in.generated_by = "nta analyze";
  in.input_error = result.input_error;
  in.interrupted = result.interrupted;
  fill_traffic(in, result.stats, std::max<std::size_t>(config.top, 25));
  in.flows = result.stats.flows();
  in.names = names.top(std::max<std::size_t>(config.top, 15));
  if (engine != nullptr) fill_detection(in, *engine);
  if (!result.features.model_path.empty()) fill_anomaly(in, result.features);
  return in;
}

}  // namespace nta
