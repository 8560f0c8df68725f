#include "output/alert_writer.h"

#include <nlohmann/json.hpp>

#include <type_traits>
#include <variant>

namespace nta {
namespace {

using Json = nlohmann::ordered_json;

std::string iso(Timestamp t) {
  char buf[kMaxTimestampText];
  return {buf, format_iso8601_us(t, buf)};
}

Json evidence_value(const EvidenceValue& v) {
  return std::visit([](const auto& x) -> Json { return Json(x); }, v);
}

// Strings come from detectors that escape wire text; replacing stray bytes keeps dump() from throwing.
std::string dump(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', true, Json::error_handler_t::replace);
}

Json asset_json(const AssetInfo& info) {
  Json j;
  j["hostname"] = info.hostname.empty() ? Json(nullptr) : Json(info.hostname);
  j["os"] = info.os.empty() ? Json(nullptr) : Json(info.os);
  j["open_services"] = info.open_services;
  j["exposure"] = info.exposure;
  return j;
}

}  // namespace

std::string alert_json(const Alert& a) {
  Json j;
  j["timestamp"] = iso(a.ts);
  j["event_type"] = "alert";
  if (!a.src.empty()) j["src_ip"] = to_string(a.src);
  if (!a.dest.empty()) j["dest_ip"] = to_string(a.dest);
  j["alert"] = {{"id", detector_name(a.detector)},
                {"severity", severity_name(a.severity)},
                {"summary", a.summary},
                {"mitre", a.mitre}};
  j["first_seen"] = iso(a.first_seen);
  j["last_seen"] = iso(a.last_seen);
  Json ev = Json::object();
  for (const EvidenceItem& e : a.evidence) ev[e.key] = evidence_value(e.value);
  j["evidence"] = std::move(ev);
  if (!a.community_id.empty()) j["community_id"] = a.community_id;
  if (a.src_asset) j["src_asset"] = asset_json(*a.src_asset);
  if (a.dest_asset) j["dest_asset"] = asset_json(*a.dest_asset);
  if (a.anomaly) {
    Json top = Json::array();
    for (const AlertAnomaly::Feature& f : a.anomaly->top) {
      top.push_back({{"feature", f.name}, {"value", f.value}, {"weight", f.weight}});
    }
    j["anomaly"] = {{"score", a.anomaly->score}, {"flagged", a.anomaly->flagged}, {"top_features", std::move(top)}};
  }
  return dump(j);
}

AlertWriter::AlertWriter(const std::string& path) : out_(path, 1 << 16) {}

void AlertWriter::write(const Alert& a) {
  std::string line = alert_json(a);
  line += '\n';
  out_.append(line);
  out_.flush();
  ++rows_;
}

std::string threat_scores_json(const std::vector<HostThreat>& hosts, const ScoresContext& ctx) {
  Json j;
  j["version"] = 1;
  j["end"] = iso(ctx.end);
  j["half_life_seconds"] = ctx.half_life_seconds;
  Json list = Json::array();
  std::size_t rank = 0;
  for (const HostThreat& h : hosts) {
    Json roles = Json::array();
    if (h.attacker) roles.push_back("attacker");
    if (h.peer) roles.push_back("peer");
    if (h.victim) roles.push_back("victim");
    Json e;
    e["rank"] = ++rank;
    e["host"] = h.label;
    e["score"] = h.score;
    e["roles"] = std::move(roles);
    e["alerts"] = {{"total", h.alerts},
                   {"low", h.by_severity[0]},
                   {"medium", h.by_severity[1]},
                   {"high", h.by_severity[2]},
                   {"critical", h.by_severity[3]}};
    e["flagged_flows"] = h.flagged_flows;
    e["max_anomaly_score"] = h.flagged_flows > 0 ? Json(h.max_anomaly) : Json(nullptr);
    e["exposure"] = h.exposure;
    e["reasons"] = h.reasons;
    list.push_back(std::move(e));
  }
  j["hosts"] = std::move(list);
  Json by = Json::object();
  Json ev = Json::object();
  for (std::size_t i = 0; i < kDetectorCount; ++i) {
    const std::string name(detector_name(static_cast<DetectorId>(i)));
    by[name] = ctx.alerts.by_detector[i];
    ev[name] = i < ctx.evictions.size() ? ctx.evictions[i] : 0;
  }
  j["alerts_raised"] = ctx.alerts.raised;
  j["alerts_by_detector"] = std::move(by);
  j["repeats_throttled"] = ctx.alerts.repeats;
  j["state_evictions"] = std::move(ev);
  return dump(j, 2) + "\n";
}

void write_threat_scores(const std::string& path, const std::vector<HostThreat>& hosts, const ScoresContext& ctx) {
  BufferedWriter out(path, 1 << 16);
  out.append(threat_scores_json(hosts, ctx));
  out.flush();
}

}  // namespace nta
