#include "output/stats_printer.h"

#include <fmt/core.h>

#include <cmath>

#include "core/timestamp.h"
#include "decode/anomaly.h"
#include "output/summary_printer.h"
#include "output/text_table.h"

namespace nta {
namespace {

constexpr std::size_t kMaxWidth = 100;

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return fmt::format("{:.1f}%", share(part, whole));
}

std::string bytes_text(std::uint64_t b) {
  return human_bytes(static_cast<double>(b));
}

// Packets per second: "<0.01", "0.25", "12.5", "52", "1,234".
std::string rate_text(double v) {
  if (v >= 100.0 || v == std::floor(v)) return with_commas(static_cast<std::uint64_t>(std::llround(v)));
  if (v < 0.01) return "<0.01";
  return fmt::format("{:.{}f}", v, v < 10.0 ? 2 : 1);
}

std::string bits_text(double v) {
  return human_bits_per_second(v);
}

std::string console_time(Timestamp t) {
  char buf[kMaxTimestampText];
  return {buf, format_console_time(t, buf)};
}

// "2024-02-19 14:30:45" (a bucket start: whole seconds).
std::string second_text(Timestamp t) {
  return console_time(t).substr(0, 19);
}

std::string duration_text(double secs) {
  if (secs < 60) return fmt::format("{:.3f} s", secs);
  const auto total = static_cast<std::uint64_t>(secs);
  const std::uint64_t h = total / 3600;
  const std::uint64_t m = total / 60 % 60;
  const std::uint64_t s = total % 60;
  if (h > 0) return fmt::format("{:.3f} s ({} h {:02} min {:02} s)", secs, with_commas(h), m, s);
  return fmt::format("{:.3f} s ({} min {:02} s)", secs, m, s);
}

void section(std::string& s, const std::string& title, const TextTable& table) {
  s += '\n';
  s += title;
  s += '\n';
  table.render(s);
}

void header(std::string& s, const TrafficStats& st, const StatsContext& ctx) {
  s += "=== Traffic statistics ===\n";
  for (const StatsInput& in : ctx.inputs) s += fmt::format("Input:       {} ({})\n", in.name, in.link_type);
  if (!ctx.filter.empty()) s += fmt::format("Filter:      {}\n", ctx.filter);
  s += fmt::format("Packets:     {}\n", with_commas(st.packets()));
  s += fmt::format("Bytes:       {} ({} bytes on the wire)\n", bytes_text(st.bytes()),
                   with_commas(st.bytes()));
  if (st.packets() > 0) {
    s += fmt::format("Duration:    {}\n", duration_text(st.duration_seconds()));
    s += fmt::format("First, last: {} .. {} UTC\n", console_time(st.first_seen()),
                     console_time(st.last_seen()));
  }
  if (st.duration_seconds() > 0) {
    const double secs = st.duration_seconds();
    s += fmt::format("Rate:        {} packets/s, {} (average)\n",
                     rate_text(static_cast<double>(st.packets()) / secs),
                     bits_text(8.0 * static_cast<double>(st.bytes()) / secs));
  }
  if (ctx.interrupted) s += "Stopped:     interrupted (Ctrl-C); the statistics cover what was read\n";
  if (!ctx.input_error.empty()) s += fmt::format("Input error: {}\n", ctx.input_error);
}

void protocols(std::string& s, const TrafficStats& st) {
  TextTable t({{"protocol", Align::kLeft}, {"packets"}, {"share"}, {"bytes"}, {"share"}});
  for (const ProtocolCount& p : st.protocols()) {
    t.add_row({std::string(p.name), with_commas(p.packets), percent(p.packets, st.packets()),
               bytes_text(p.bytes), percent(p.bytes, st.bytes())});
  }
  if (!t.empty()) section(s, "Protocols", t);
}

void talkers(std::string& s, const TrafficStats& st, std::size_t top, bool by_bytes) {
  const auto rows = by_bytes ? st.top_talkers_by_bytes(top) : st.top_talkers_by_packets(top);
  if (rows.empty()) return;
  TextTable t(
      {{"address", Align::kLeft}, {"packets"}, {"share"}, {"bytes"}, {"share"}, {"sent"}, {"received"}});
  for (const TalkerCount& h : rows) {
    t.add_row({to_string(h.key), with_commas(h.counters.packets()),
               percent(h.counters.packets(), st.packets()), bytes_text(h.counters.bytes()),
               percent(h.counters.bytes(), st.bytes()), bytes_text(h.counters.sent_bytes),
               bytes_text(h.counters.received_bytes)});
  }
  const TalkerCounters& other = st.talkers().other();
  if (other.packets() > 0) {
    t.add_row({"(past the table's cap)", with_commas(other.packets()), percent(other.packets(), st.packets()),
               bytes_text(other.bytes()), percent(other.bytes(), st.bytes()), bytes_text(other.sent_bytes),
               bytes_text(other.received_bytes)});
  }
  section(s,
          fmt::format("Top talkers by {} ({} addresses; sent + received)", by_bytes ? "bytes" : "packets",
                      with_commas(st.talkers().size())),
          t);
}

void ports(std::string& s, const TrafficStats& st, std::size_t top) {
  const auto rows = st.top_destination_ports(top);
  if (rows.empty()) return;
  TextTable t(
      {{"port", Align::kLeft}, {"service", Align::kLeft}, {"packets"}, {"share"}, {"bytes"}, {"share"}});
  for (const PortCount& p : rows) {
    const std::string_view service = port_service_name(port_service_id(p.transport, p.port));
    t.add_row({port_text(p.transport, p.port), service.empty() ? "-" : std::string(service),
               with_commas(p.packets), percent(p.packets, st.packets_with_ports()), bytes_text(p.bytes),
               percent(p.bytes, st.bytes_with_ports())});
  }
  section(s,
          fmt::format("Top destination ports by packets ({} distinct; shares of TCP/UDP/SCTP)",
                      with_commas(st.distinct_destination_ports())),
          t);
}

void services(std::string& s, const TrafficStats& st, std::size_t top) {
  auto rows = st.port_services();
  const ServiceCount unknown = st.unknown_port_service();
  if (rows.empty() && unknown.packets == 0) return;
  TextTable t({{"service", Align::kLeft}, {"packets"}, {"share"}, {"bytes"}, {"share"}});
  if (rows.size() > top) rows.resize(top);
  for (const ServiceCount& c : rows) {
    t.add_row({std::string(c.service), with_commas(c.packets), percent(c.packets, st.packets_with_ports()),
               bytes_text(c.bytes), percent(c.bytes, st.bytes_with_ports())});
  }
  if (unknown.packets > 0) {
    t.add_row({"(no well-known port)", with_commas(unknown.packets),
               percent(unknown.packets, st.packets_with_ports()), bytes_text(unknown.bytes),
               percent(unknown.bytes, st.bytes_with_ports())});
  }
  section(s, "Services by well-known port (destination port, else source; shares of TCP/UDP/SCTP)", t);

  const auto detected = st.flow_services();
  if (detected.empty()) return;
  std::uint64_t flows = 0;
  for (const ServiceCount& c : detected) flows += c.flows;
  TextTable d({{"service", Align::kLeft}, {"flows"}, {"share"}, {"packets"}, {"bytes"}});
  for (std::size_t i = 0; i < detected.size() && i < top; ++i) {
    const ServiceCount& c = detected[i];
    d.add_row({std::string(c.service), with_commas(c.flows), percent(c.flows, flows), with_commas(c.packets),
               bytes_text(c.bytes)});
  }
  section(s, fmt::format("Services by content ({} flows with a detected service)", with_commas(flows)), d);
}

void conversations(std::string& s, const TrafficStats& st, std::size_t top) {
  const auto rows = st.top_conversations_by_bytes(top);
  if (rows.empty()) return;
  // Side by side when that fits in 100 columns; else B goes on the line under A.
  auto build = [&](bool side_by_side) {
    std::vector<TextColumn> columns;
    if (side_by_side) {
      columns = {{"A", Align::kLeft}, {"B", Align::kLeft}};
    } else {
      columns = {{"A (B on the next line)", Align::kLeft}};
    }
    for (const char* h : {"A->B pkts", "A->B bytes", "B->A pkts", "B->A bytes"}) columns.push_back({h});
    TextTable t(std::move(columns));
    for (const ConversationCount& row : rows) {
      const ConversationCounters& c = row.counters;
      std::vector<std::string> cells = {to_string(row.key.a)};
      if (side_by_side) cells.push_back(to_string(row.key.b));
      for (std::string& n :
           std::vector<std::string>{with_commas(c.a_to_b_packets), bytes_text(c.a_to_b_bytes),
                                    with_commas(c.b_to_a_packets), bytes_text(c.b_to_a_bytes)}) {
        cells.push_back(std::move(n));
      }
      t.add_row(std::move(cells));
      if (!side_by_side) t.add_row({"  " + to_string(row.key.b)});
    }
    const ConversationCounters& other = st.conversations().other();
    if (other.packets() > 0) {
      std::vector<std::string> cells = {"(past the table's cap)"};
      if (side_by_side) cells.emplace_back("");
      for (std::string& n :
           std::vector<std::string>{with_commas(other.a_to_b_packets), bytes_text(other.a_to_b_bytes),
                                    with_commas(other.b_to_a_packets), bytes_text(other.b_to_a_bytes)}) {
        cells.push_back(std::move(n));
      }
      t.add_row(std::move(cells));
    }
    return t;
  };
  TextTable t = build(true);
  if (t.width() > kMaxWidth) t = build(false);
  section(s,
          fmt::format("Top conversations by bytes ({} address pairs; A is the lower address)",
                      with_commas(st.conversations().size())),
          t);
}

void throughput(std::string& s, const TrafficStats& st, std::size_t top) {
  const ThroughputSeries& ts = st.throughput();
  if (ts.empty()) return;
  const RateSummary pps = ts.packets_per_second();
  const RateSummary bps = ts.bits_per_second();
  TextTable t({{"", Align::kLeft}, {"min"}, {"mean"}, {"p95"}, {"max"}});
  t.add_row({"packets/s", rate_text(pps.min), rate_text(pps.mean), rate_text(pps.p95), rate_text(pps.max)});
  t.add_row({"bits/s", bits_text(bps.min), bits_text(bps.mean), bits_text(bps.p95), bits_text(bps.max)});
  const std::int64_t w = ts.bucket_seconds();
  section(s,
          fmt::format("Throughput per {} ({} buckets from {} UTC{})",
                      w == 1 ? "second" : fmt::format("{} s", w), with_commas(ts.size()),
                      second_text(ts.bucket_start(0)), w == 1 ? "" : "; widened to fit the cap"),
          t);

  TextTable b({{w == 1 ? "second (UTC)" : "bucket start (UTC)", Align::kLeft},
               {"packets"},
               {"bytes"},
               {"packets/s"},
               {"bits/s"}});
  const auto width = static_cast<double>(w);
  for (std::size_t i : ts.busiest(top)) {
    const ThroughputBucket& k = ts[i];
    b.add_row({second_text(ts.bucket_start(i)), with_commas(k.packets), bytes_text(k.bytes),
               rate_text(static_cast<double>(k.packets) / width),
               bits_text(8.0 * static_cast<double>(k.bytes) / width)});
  }
  section(s, w == 1 ? "Busiest seconds (by bytes)" : fmt::format("Busiest {}-second buckets (by bytes)", w),
          b);
}

void sizes(std::string& s, const TrafficStats& st) {
  if (st.packets() == 0) return;
  TextTable t({{"size (bytes)", Align::kLeft}, {"packets"}, {"share"}, {"bytes"}, {"share"}});
  for (const SizeBucket& b : st.packet_sizes()) {
    const std::string range = b.high ? fmt::format("{}-{}", b.low, *b.high) : fmt::format("{}+", b.low);
    t.add_row({range, with_commas(b.packets), percent(b.packets, st.packets()), bytes_text(b.bytes),
               percent(b.bytes, st.bytes())});
  }
  section(s, "Packet sizes (on the wire)", t);
}

void tcp_flags(std::string& s, const TrafficStats& st) {
  const TcpFlagCounts& f = st.tcp_flags();
  if (f.tcp_packets == 0) return;
  TextTable t({{"flag", Align::kLeft}, {"packets"}, {"share"}});
  const std::pair<const char*, std::uint64_t> rows[] = {
      {"SYN", f.syn}, {"SYN-ACK", f.syn_ack}, {"FIN", f.fin}, {"RST", f.rst}, {"PSH", f.psh},
      {"ACK", f.ack}, {"URG", f.urg},         {"ECE", f.ece}, {"CWR", f.cwr}};
  for (const auto& [name, n] : rows) t.add_row({name, with_commas(n), percent(n, f.tcp_packets)});
  section(s,
          fmt::format("TCP flags ({} TCP packets; SYN = without ACK, ACK includes SYN-ACK)",
                      with_commas(f.tcp_packets)),
          t);
}

void flow_states(std::string& s, const TrafficStats& st) {
  const auto states = st.flow_states();
  if (states.empty()) return;
  TextTable t({{"state", Align::kLeft}, {"flows"}, {"share"}, {"meaning", Align::kLeft}});
  for (const FlowStateCount& c : states) {
    t.add_row({c.state, with_commas(c.flows), percent(c.flows, st.flows()),
               std::string(conn_state_meaning(c.state))});
  }
  section(s, fmt::format("Flows by state ({} flows, Zeek conn_state)", with_commas(st.flows())), t);
}

void anomalies(std::string& s, const TrafficStats& st) {
  s += "\nDecode anomalies";
  if (st.packets_with_anomalies() == 0) {
    s += ": none\n";
    return;
  }
  s += fmt::format(" ({} packets, {:.2f}%)\n", with_commas(st.packets_with_anomalies()),
                   share(st.packets_with_anomalies(), st.packets()));
  TextTable t({{"anomaly", Align::kLeft}, {"packets"}});
  for (int i = 0; i < kAnomalyCount; ++i) {
    const auto a = static_cast<Anomaly>(i);
    if (st.anomaly_count(a) == 0) continue;
    t.add_row({std::string(anomaly_name(a)), with_commas(st.anomaly_count(a))});
  }
  t.render(s);
}

}  // namespace

std::string port_text(Transport transport, std::uint16_t port) {
  return fmt::format("{}/{}", transport_name(transport), port);
}

std::string_view conn_state_meaning(std::string_view state) noexcept {
  static constexpr std::pair<std::string_view, std::string_view> kMeanings[] = {
      {"S0", "attempt, no reply"},
      {"S1", "established, not closed"},
      {"SF", "normal establishment and close"},
      {"REJ", "attempt rejected"},
      {"S2", "established, originator closed, no reply"},
      {"S3", "established, responder closed, no reply"},
      {"RSTO", "established, originator aborted (RST)"},
      {"RSTR", "responder sent a RST"},
      {"RSTOS0", "originator SYN then RST, no SYN-ACK"},
      {"RSTRH", "responder SYN-ACK then RST, no SYN"},
      {"SH", "originator SYN then FIN, no SYN-ACK"},
      {"SHR", "responder SYN-ACK then FIN, no SYN"},
      {"OTH", "no SYN seen: midstream traffic"},
  };
  for (const auto& [name, meaning] : kMeanings) {
    if (name == state) return meaning;
  }
  return {};
}

void print_stats(BufferedWriter& out, const TrafficStats& stats, const StatsContext& ctx) {
  std::string s;
  header(s, stats, ctx);
  protocols(s, stats);
  talkers(s, stats, ctx.top, true);
  talkers(s, stats, ctx.top, false);
  ports(s, stats, ctx.top);
  services(s, stats, ctx.top);
  conversations(s, stats, ctx.top);
  throughput(s, stats, ctx.top);
  sizes(s, stats);
  tcp_flags(s, stats);
  flow_states(s, stats);
  anomalies(s, stats);
  out.append(s);
  out.flush();
}

}  // namespace nta
