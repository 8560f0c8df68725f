#include "output/stats_json.h"

#include <nlohmann/json.hpp>

#include "core/timestamp.h"
#include "decode/anomaly.h"

namespace nta {
namespace {

using Json = nlohmann::ordered_json;

Json iso_time(Timestamp t) {
  char buf[kMaxTimestampText];
  return std::string(buf, format_iso8601_us(t, buf));
}

Json rate_json(const RateSummary& r) {
  return Json{{"min", r.min}, {"mean", r.mean}, {"p95", r.p95}, {"max", r.max}};
}

Json talker_json(const TalkerCount& t) {
  return Json{{"address", to_string(t.key)},
              {"packets", t.counters.packets()},
              {"bytes", t.counters.bytes()},
              {"sent_packets", t.counters.sent_packets},
              {"sent_bytes", t.counters.sent_bytes},
              {"received_packets", t.counters.received_packets},
              {"received_bytes", t.counters.received_bytes}};
}

Json totals(const TrafficStats& st) {
  Json j{{"packets", st.packets()}, {"bytes", st.bytes()}};
  if (st.packets() > 0) {
    j["first"] = iso_time(st.first_seen());
    j["last"] = iso_time(st.last_seen());
    j["first_ns"] = st.first_seen().ns;
    j["last_ns"] = st.last_seen().ns;
  } else {
    j["first"] = j["last"] = j["first_ns"] = j["last_ns"] = nullptr;
  }
  const double secs = st.duration_seconds();
  j["duration_seconds"] = secs;
  j["packets_per_second"] = secs > 0 ? static_cast<double>(st.packets()) / secs : 0.0;
  j["bits_per_second"] = secs > 0 ? 8.0 * static_cast<double>(st.bytes()) / secs : 0.0;
  return j;
}

Json protocols(const TrafficStats& st) {
  Json a = Json::array();
  for (const ProtocolCount& p : st.protocols()) {
    a.push_back(Json{{"protocol", p.name}, {"packets", p.packets}, {"bytes", p.bytes}});
  }
  return a;
}

Json talkers(const TrafficStats& st, std::size_t top) {
  Json by_bytes = Json::array();
  for (const TalkerCount& t : st.top_talkers_by_bytes(top)) by_bytes.push_back(talker_json(t));
  Json by_packets = Json::array();
  for (const TalkerCount& t : st.top_talkers_by_packets(top)) by_packets.push_back(talker_json(t));
  const TalkerCounters& o = st.talkers().other();
  return Json{{"distinct", st.talkers().size()},
              {"cap", st.talkers().max_entries()},
              {"past_cap", Json{{"sent_packets", o.sent_packets},
                                {"sent_bytes", o.sent_bytes},
                                {"received_packets", o.received_packets},
                                {"received_bytes", o.received_bytes}}},
              {"top_by_bytes", std::move(by_bytes)},
              {"top_by_packets", std::move(by_packets)}};
}

Json ports(const TrafficStats& st, std::size_t top) {
  Json a = Json::array();
  for (const PortCount& p : st.top_destination_ports(top)) {
    const std::string_view service = port_service_name(port_service_id(p.transport, p.port));
    a.push_back(Json{{"port", p.port},
                     {"transport", transport_name(p.transport)},
                     {"service", service.empty() ? Json(nullptr) : Json(service)},
                     {"packets", p.packets},
                     {"bytes", p.bytes}});
  }
  return Json{{"packets_with_ports", st.packets_with_ports()},
              {"bytes_with_ports", st.bytes_with_ports()},
              {"distinct", st.distinct_destination_ports()},
              {"top_destination", std::move(a)}};
}

Json services(const TrafficStats& st) {
  Json by_port = Json::array();
  for (const ServiceCount& c : st.port_services()) {
    by_port.push_back(Json{{"service", c.service}, {"packets", c.packets}, {"bytes", c.bytes}});
  }
  const ServiceCount unknown = st.unknown_port_service();
  Json j{{"by_port", std::move(by_port)},
         {"no_port_service", Json{{"packets", unknown.packets}, {"bytes", unknown.bytes}}}};
  const auto detected = st.flow_services();
  if (detected.empty()) {
    j["by_content"] = nullptr;
  } else {
    Json by_content = Json::array();
    for (const ServiceCount& c : detected) {
      by_content.push_back(
          Json{{"service", c.service}, {"flows", c.flows}, {"packets", c.packets}, {"bytes", c.bytes}});
    }
    j["by_content"] = std::move(by_content);
  }
  return j;
}

Json conversations(const TrafficStats& st, std::size_t top) {
  Json a = Json::array();
  for (const ConversationCount& c : st.top_conversations_by_bytes(top)) {
    a.push_back(Json{{"a", to_string(c.key.a)},
                     {"b", to_string(c.key.b)},
                     {"packets", c.counters.packets()},
                     {"bytes", c.counters.bytes()},
                     {"a_to_b_packets", c.counters.a_to_b_packets},
                     {"a_to_b_bytes", c.counters.a_to_b_bytes},
                     {"b_to_a_packets", c.counters.b_to_a_packets},
                     {"b_to_a_bytes", c.counters.b_to_a_bytes}});
  }
  const ConversationCounters& o = st.conversations().other();
  return Json{{"distinct", st.conversations().size()},
              {"cap", st.conversations().max_entries()},
              {"past_cap", Json{{"packets", o.packets()}, {"bytes", o.bytes()}}},
              {"top_by_bytes", std::move(a)}};
}

Json throughput(const TrafficStats& st, std::size_t top) {
  const ThroughputSeries& ts = st.throughput();
  Json packets = Json::array();
  Json bytes = Json::array();
  for (std::size_t i = 0; i < ts.size() && !ts.empty(); ++i) {
    packets.push_back(ts[i].packets);
    bytes.push_back(ts[i].bytes);
  }
  Json busiest = Json::array();
  for (std::size_t i : ts.busiest(top)) {
    busiest.push_back(Json{{"index", i},
                           {"start", iso_time(ts.bucket_start(i))},
                           {"packets", ts[i].packets},
                           {"bytes", ts[i].bytes}});
  }
  return Json{{"bucket_seconds", ts.bucket_seconds()},
              {"max_buckets", ts.max_buckets()},
              {"start", ts.empty() ? Json(nullptr) : iso_time(ts.bucket_start(0))},
              {"start_ns", ts.empty() ? Json(nullptr) : Json(ts.bucket_start(0).ns)},
              {"buckets", ts.empty() ? 0 : ts.size()},
              {"packets_per_second", rate_json(ts.packets_per_second())},
              {"bits_per_second", rate_json(ts.bits_per_second())},
              {"busiest", std::move(busiest)},
              {"packets", std::move(packets)},
              {"bytes", std::move(bytes)}};
}

Json sizes(const TrafficStats& st) {
  Json a = Json::array();
  for (const SizeBucket& b : st.packet_sizes()) {
    a.push_back(Json{{"min", b.low},
                     {"max", b.high ? Json(*b.high) : Json(nullptr)},
                     {"packets", b.packets},
                     {"bytes", b.bytes}});
  }
  return a;
}

Json tcp_flags(const TrafficStats& st) {
  const TcpFlagCounts& f = st.tcp_flags();
  return Json{{"tcp_packets", f.tcp_packets},
              {"syn", f.syn},
              {"syn_ack", f.syn_ack},
              {"fin", f.fin},
              {"rst", f.rst},
              {"psh", f.psh},
              {"ack", f.ack},
              {"urg", f.urg},
              {"ece", f.ece},
              {"cwr", f.cwr}};
}

Json flow_states(const TrafficStats& st) {
  const auto states = st.flow_states();
  if (states.empty()) return nullptr;
  Json counts = Json::object();
  for (const FlowStateCount& c : states) counts[c.state] = c.flows;
  return Json{{"flows", st.flows()}, {"states", std::move(counts)}};
}

Json anomalies(const TrafficStats& st) {
  Json counts = Json::object();
  for (int i = 0; i < kAnomalyCount; ++i) {
    const auto a = static_cast<Anomaly>(i);
    counts[std::string(anomaly_name(a))] = st.anomaly_count(a);
  }
  return Json{{"packets", st.packets_with_anomalies()}, {"counts", std::move(counts)}};
}

}  // namespace

std::string stats_json(const TrafficStats& stats, const StatsContext& ctx) {
  Json inputs = Json::array();
  for (const StatsInput& in : ctx.inputs)
    inputs.push_back(Json{{"file", in.name}, {"link_type", in.link_type}});
  Json doc{{"version", kStatsJsonVersion},
           {"inputs", std::move(inputs)},
           {"filter", ctx.filter.empty() ? Json(nullptr) : Json(ctx.filter)},
           {"top", ctx.top},
           {"interrupted", ctx.interrupted},
           {"input_error", ctx.input_error.empty() ? Json(nullptr) : Json(ctx.input_error)},
           {"totals", totals(stats)},
           {"protocols", protocols(stats)},
           {"talkers", talkers(stats, ctx.top)},
           {"ports", ports(stats, ctx.top)},
           {"services", services(stats)},
           {"conversations", conversations(stats, ctx.top)},
           {"throughput", throughput(stats, ctx.top)},
           {"packet_sizes", sizes(stats)},
           {"tcp_flags", tcp_flags(stats)},
           {"flow_states", flow_states(stats)},
           {"anomalies", anomalies(stats)}};
  std::string out = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '\n';
  return out;
}

}  // namespace nta
