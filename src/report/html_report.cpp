#include "report/html_report.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <unistd.h>

#include "core/error.h"
#include "report/html_escape.h"
#include "report/report_style.h"
#include "report/svg_chart.h"

namespace nta {
namespace {

// Chart widths (viewBox units) for a full-width and a half-width column: about the pixels they get
// at the page's widest, so chart text matches the page text.
constexpr double kFullWidth = 1150;
constexpr double kHalfWidth = 560;

constexpr std::array<std::string_view, kReportSeverities> kSeverityNames = {"low", "medium", "high", "critical"};

std::string commas(std::uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string human_bytes(double b) {
  static constexpr std::array<std::string_view, 5> kUnits = {"B", "KB", "MB", "GB", "TB"};
  std::size_t u = 0;
  while (b >= 1000 && u + 1 < kUnits.size()) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.1f} {}", b, kUnits[u]);
}

std::string human_duration(double s) {
  if (s < 120) return fmt::format("{:.1f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  if (s < 172800) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} days", s / 86400);
}

std::string utc_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(unix_seconds);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(buf, n);
}

int clamp_severity(int s) { return std::clamp(s, 0, static_cast<int>(kReportSeverities) - 1); }

// Small writers over one output string; every piece of data goes through an escape.
class Page {
 public:
  std::string out;

  void raw(std::string_view s) { out += s; }
  void text(std::string_view s) { append_html_text(out, s); }
  void attr(std::string_view s) { append_html_attribute(out, s); }

  void section(std::string_view id, std::string_view title) {
    out += fmt::format("<section id=\"{}\" aria-labelledby=\"h-{}\"><h2 id=\"h-{}\">", id, id, id);
    text(title);
    out += "</h2>\n";
  }
  void end_section() { out += "</section>\n"; }
  void note(std::string_view s) {
    out += "<p class=\"note\">";
    text(s);
    out += "</p>\n";
  }

  // A table: headers ending in '#' are numeric (right-aligned, sorted as numbers).
  void table_head(std::initializer_list<std::string_view> headers, std::string_view id = {}, bool sortable = true) {
    out += "<div class=\"tablewrap\"><table";
    if (!id.empty()) out += fmt::format(" id=\"{}\"", id);
    if (sortable) out += " class=\"sortable\"";
    out += "><thead><tr>";
    for (std::string_view h : headers) {
      const bool num = !h.empty() && h.back() == '#';
      out += num ? "<th class=\"n\" scope=\"col\">" : "<th scope=\"col\">";
      text(num ? h.substr(0, h.size() - 1) : h);
      out += "</th>";
    }
    out += "</tr></thead><tbody>\n";
  }
  void table_end() { out += "</tbody></table></div>\n"; }
  void td(std::string_view s, std::string_view cls = {}) {
    out += cls.empty() ? "<td>" : fmt::format("<td class=\"{}\">", cls);
    text(s);
    out += "</td>";
  }
  void td_num(std::uint64_t v) { out += fmt::format("<td class=\"n\" data-v=\"{}\">{}</td>", v, commas(v)); }
  void td_bytes(std::uint64_t v) {
    out += fmt::format("<td class=\"n\" data-v=\"{}\">{}</td>", v, human_bytes(static_cast<double>(v)));
  }
  void td_share(std::uint64_t part, std::uint64_t whole) {
    const double p = whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    out += fmt::format("<td class=\"n\" data-v=\"{:.4f}\">{:.1f}%</td>", p, p);
  }
  void severity_badge(int s) {
    s = clamp_severity(s);
    out += fmt::format("<span class=\"sev sev{}\">{}</span>", s, kSeverityNames[static_cast<std::size_t>(s)]);
  }
};

void write_head(Page& p, const ReportInput& in) {
  p.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  // Nothing may be fetched: no network, no other file; inline style and script only.
  p.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n");
  p.raw("<meta name=\"referrer\" content=\"no-referrer\">\n");
  p.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  p.raw("<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
  p.text(in.title);
  p.raw("</title>\n<style>");
  p.raw(report_css());
  p.raw("</style>\n</head>\n<body>\n");
}

void write_header(Page& p, const ReportInput& in) {
  p.raw("<header class=\"top\"><h1>");
  p.text(in.title);
  p.raw("</h1><div class=\"meta\">");
  std::string inputs;
  for (const std::string& f : in.inputs) inputs += (inputs.empty() ? "" : ", ") + f;
  p.text(inputs.empty() ? std::string("no input") : inputs);
  if (!in.generated_by.empty()) {
    p.raw(" &middot; ");
    p.text(in.generated_by);
  }
  p.raw("</div></header>\n<nav aria-label=\"Sections\">");
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kNav = {{
      {"overview", "Overview"}, {"protocols", "Protocols"}, {"throughput", "Throughput"}, {"sizes", "Packet sizes"},
      {"talkers", "Top talkers"}, {"ports", "Ports"}, {"conversations", "Conversations"}, {"alerts", "Alerts"},
      {"threats", "Threat scores"}, {"anomalies", "Anomalies"},
  }};
  for (const auto& [id, name] : kNav) p.raw(fmt::format("<a href=\"#{}\">{}</a>", id, name));
  if (!in.names.empty()) p.raw("<a href=\"#names\">Names</a>");
  p.raw("</nav>\n<main>\n");
}

void card(Page& p, std::string_view k, std::string_view v, std::string_view sub = {}) {
  p.raw("<div class=\"card\"><div class=\"k\">");
  p.text(k);
  p.raw("</div><div class=\"v\">");
  p.text(v);
  p.raw("</div>");
  if (!sub.empty()) {
    p.raw("<div class=\"s\">");
    p.text(sub);
    p.raw("</div>");
  }
  p.raw("</div>");
}

void write_overview(Page& p, const ReportInput& in) {
  p.section("overview", "Overview");
  if (!in.input_error.empty()) {
    p.raw("<div class=\"warn\" role=\"alert\">The input failed partway; this report covers what was read before: ");
    p.text(in.input_error);
    p.raw("</div>\n");
  } else if (in.interrupted) {
    p.raw("<div class=\"warn\" role=\"alert\">The run was interrupted; this report covers what was read before.</div>\n");
  }
  p.raw("<div class=\"cards\">");
  card(p, "Time span", human_duration(in.duration_seconds),
       in.first_time.empty() ? std::string() : in.first_time + " \xE2\x80\x93 " + in.last_time);
  card(p, "Packets", commas(in.packets));
  card(p, "Bytes", human_bytes(static_cast<double>(in.bytes)), commas(in.bytes) + " bytes");
  card(p, "Flows", commas(in.flows));
  card(p, "Hosts", commas(in.hosts), "IP addresses seen");
  card(p, "Alerts", in.detection ? commas(in.alerts_raised) : std::string("not run"));
  p.raw("</div>\n");
  if (in.detection) {
    p.raw("<div class=\"sevs\" aria-label=\"Alerts by severity\">");
    for (std::size_t s = kReportSeverities; s-- > 0;) {
      p.raw(fmt::format("<span class=\"chip\"><span class=\"dot sev{}\"></span>{} <b>{}</b></span>", s,
                        kSeverityNames[s], commas(in.alerts_by_severity[s])));
    }
    p.raw("</div>\n");
  }
  p.end_section();
}

void write_counts(Page& p, const std::vector<ReportCount>& rows, std::uint64_t total_packets, std::string_view what) {
  p.table_head({what, "Packets#", "Share#", "Bytes#"});
  for (const ReportCount& r : rows) {
    p.raw("<tr>");
    p.td(r.label);
    p.td_num(r.packets);
    p.td_share(r.packets, total_packets);
    p.td_bytes(r.bytes);
    p.raw("</tr>\n");
  }
  p.table_end();
}

std::vector<ChartBar> count_bars(const std::vector<ReportCount>& rows, bool by_bytes, std::size_t n) {
  std::vector<ChartBar> bars;
  for (std::size_t i = 0; i < rows.size() && i < n; ++i) {
    const double v = static_cast<double>(by_bytes ? rows[i].bytes : rows[i].packets);
    bars.push_back({rows[i].label, v,
                    by_bytes ? human_bytes(v) : commas(by_bytes ? rows[i].bytes : rows[i].packets) + " pkts",
                    fmt::format("c{}", i % 6)});
  }
  return bars;
}

void write_protocols(Page& p, const ReportInput& in) {
  p.section("protocols", "Protocol mix");
  if (in.protocols.empty()) {
    p.note("No packets.");
  } else {
    p.raw("<div class=\"grid2\"><div>");
    p.raw(svg_bar_chart("Protocols by packets", count_bars(in.protocols, false, 12), kHalfWidth));
    p.raw("</div><div>");
    write_counts(p, in.protocols, in.packets, "Protocol");
    p.raw("</div></div>\n");
  }
  p.end_section();
}

void write_throughput(Page& p, const ReportInput& in, const ReportLimits& limits) {
  p.section("throughput", "Throughput over time");
  const ReportThroughput& t = in.throughput;
  if (t.bytes.empty()) {
    p.note("No packets.");
    p.end_section();
    return;
  }
  // Long captures: neighbouring buckets are merged so the line has at most throughput_points points.
  const std::size_t n = t.bytes.size();
  const std::size_t merge = std::max<std::size_t>(1, (n + limits.throughput_points - 1) / std::max<std::size_t>(1, limits.throughput_points));
  const double width_s = static_cast<double>(t.bucket_seconds) * static_cast<double>(merge);
  AreaChart bits{.title = "Bits per second", .values = {}, .x_first = utc_time(t.start_seconds),
                 .x_last = utc_time(t.start_seconds + t.bucket_seconds * static_cast<std::int64_t>(n)),
                 .unit = "bit/s", .css_class = "c0", .width = kHalfWidth};
  AreaChart pkts = bits;
  pkts.title = "Packets per second";
  pkts.unit = "pkt/s";
  pkts.css_class = "c1";
  double peak_bits = 0, peak_pkts = 0;
  for (std::size_t i = 0; i < n; i += merge) {
    double b = 0, k = 0;
    for (std::size_t j = i; j < std::min(n, i + merge); ++j) {
      b += t.bytes[j];
      k += j < t.packets.size() ? t.packets[j] : 0;
    }
    bits.values.push_back(b * 8 / width_s);
    pkts.values.push_back(k / width_s);
    peak_bits = std::max(peak_bits, bits.values.back());
    peak_pkts = std::max(peak_pkts, pkts.values.back());
  }
  p.note(fmt::format("{} points of {} s each ({} buckets of {} s{}). Peak {} bit/s, {} packets/s.", bits.values.size(),
                     width_s, n, t.bucket_seconds, merge > 1 ? ", merged" : "", short_number(peak_bits),
                     short_number(peak_pkts)));
  p.raw("<div class=\"grid2\"><div><h3>Bits per second</h3>");
  p.raw(svg_area_chart(bits));
  p.raw("</div><div><h3>Packets per second</h3>");
  p.raw(svg_area_chart(pkts));
  p.raw("</div></div>\n");
  p.end_section();
}

void write_sizes(Page& p, const ReportInput& in) {
  p.section("sizes", "Packet sizes");
  ColumnChart c{.title = "Packets by wire length (bytes)", .layers = {{"packets", "c2"}}, .columns = {},
                .column_labels = {}, .x_first = {}, .x_last = {}, .ticks = {}, .unit = "packets", .width = kHalfWidth};
  for (const ReportCount& b : in.packet_sizes) {
    c.columns.push_back({static_cast<double>(b.packets)});
    c.column_labels.push_back(b.label + " bytes");
    c.ticks.push_back(b.label);
  }
  p.raw("<div class=\"grid2\"><div>");
  p.raw(svg_column_chart(c));
  p.raw("</div><div>");
  write_counts(p, in.packet_sizes, in.packets, "Wire length (bytes)");
  p.raw("</div></div>\n");
  p.end_section();
}

void write_talkers(Page& p, const ReportInput& in) {
  p.section("talkers", "Top talkers");
  std::vector<ChartBar> bars;
  for (std::size_t i = 0; i < in.talkers.size() && i < 10; ++i) {
    const ReportTalker& t = in.talkers[i];
    const double b = static_cast<double>(t.sent_bytes + t.received_bytes);
    bars.push_back({t.address, b, human_bytes(b), "c0"});
  }
  if (!bars.empty()) p.raw(svg_bar_chart("Top talkers by bytes (sent and received)", bars, kFullWidth));
  p.table_head({"Address", "Sent packets#", "Sent bytes#", "Received packets#", "Received bytes#", "Total bytes#"});
  for (const ReportTalker& t : in.talkers) {
    p.raw("<tr>");
    p.td(t.address, "mono");
    p.td_num(t.sent_packets);
    p.td_bytes(t.sent_bytes);
    p.td_num(t.received_packets);
    p.td_bytes(t.received_bytes);
    p.td_bytes(t.sent_bytes + t.received_bytes);
    p.raw("</tr>\n");
  }
  p.table_end();
  p.end_section();
}

void write_ports(Page& p, const ReportInput& in) {
  p.section("ports", "Destination ports");
  if (!in.ports.empty()) {
    p.raw("<div class=\"grid2\"><div>");
    p.raw(svg_bar_chart("Destination ports by packets", count_bars(in.ports, false, 10), kHalfWidth));
    p.raw("</div><div>");
    write_counts(p, in.ports, in.packets, "Port");
    p.raw("</div></div>\n");
  } else {
    p.note("No TCP, UDP or SCTP packets.");
  }
  p.end_section();
}

void write_conversations(Page& p, const ReportInput& in) {
  p.section("conversations", "Conversations");
  p.table_head({"Address A", "Address B", "Packets#", "A \xE2\x86\x92 B bytes#", "B \xE2\x86\x92 A bytes#", "Total bytes#"});
  for (const ReportConversation& c : in.conversations) {
    p.raw("<tr>");
    p.td(c.a, "mono");
    p.td(c.b, "mono");
    p.td_num(c.packets);
    p.td_bytes(c.a_to_b_bytes);
    p.td_bytes(c.b_to_a_bytes);
    p.td_bytes(c.a_to_b_bytes + c.b_to_a_bytes);
    p.raw("</tr>\n");
  }
  p.table_end();
  p.end_section();
}

void write_names(Page& p, const ReportInput& in) {
  if (in.names.empty()) return;
  p.section("names", "Names seen on the wire");
  p.note("Counted per flow, from the first DNS question, HTTP request and TLS ClientHello of each flow. "
         "Shown as sent: they are claims of the hosts, not verified facts.");
  p.raw("<div class=\"grid2\">");
  for (const ReportNames& n : in.names) {
    p.raw("<div><h3>");
    p.text(n.title);
    p.raw("</h3>");
    if (n.top.empty()) {
      p.note("none");
    } else {
      p.table_head({"Name", "Flows#"});
      for (const ReportNameCount& c : n.top) {
        p.raw("<tr>");
        p.td(c.name, "w mono");
        p.td_num(c.flows);
        p.raw("</tr>\n");
      }
      p.table_end();
      p.note(fmt::format("{} distinct{}", commas(n.distinct), n.capped ? " counted (more were seen than kept)" : ""));
    }
    p.raw("</div>");
  }
  p.raw("</div>\n");
  p.end_section();
}

void write_alert_timeline(Page& p, const ReportInput& in, const ReportLimits& limits) {
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const ReportAlert& a : in.alerts) {
    lo = std::min(lo, a.ts_ns);
    hi = std::max(hi, a.ts_ns);
  }
  const std::size_t bins = std::max<std::size_t>(1, limits.timeline_bins);
  const double width = std::max(1.0, static_cast<double>(hi - lo) / static_cast<double>(bins));
  ColumnChart c;
  c.title = "Alerts over time, by severity";
  for (std::size_t s = 0; s < kReportSeverities; ++s) c.layers.push_back({std::string(kSeverityNames[s]), fmt::format("sev{}", s)});
  c.columns.assign(bins, std::vector<double>(kReportSeverities, 0));
  for (const ReportAlert& a : in.alerts) {
    const auto b = std::min(bins - 1, static_cast<std::size_t>(static_cast<double>(a.ts_ns - lo) / width));
    c.columns[b][static_cast<std::size_t>(clamp_severity(a.severity))] += 1;
  }
  for (std::size_t b = 0; b < bins; ++b) {
    c.column_labels.push_back(utc_time(static_cast<std::int64_t>((static_cast<double>(lo) + width * static_cast<double>(b)) / 1e9)));
  }
  c.x_first = utc_time(lo / 1'000'000'000);
  c.x_last = utc_time(hi / 1'000'000'000);
  c.unit = "alerts";
  c.width = kFullWidth;
  p.raw(svg_column_chart(c));
}

// Evidence runs to hundreds of characters: a short head is shown, the rest opens on demand
// (<details> needs no script).
void write_evidence(Page& p, std::string_view evidence) {
  constexpr std::size_t kHead = 56;
  p.raw("<td class=\"ev mono\">");
  if (evidence.size() <= kHead + 8) {
    p.text(evidence);
  } else {
    std::size_t cut = kHead;
    while (cut > 0 && (static_cast<unsigned char>(evidence[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    p.raw("<details><summary>");
    p.text(evidence.substr(0, cut));
    p.raw("\xE2\x80\xA6</summary>");
    p.text(evidence.substr(cut));
    p.raw("</details>");
  }
  p.raw("</td>");
}

void write_alerts(Page& p, const ReportInput& in, const ReportLimits& limits) {
  p.section("alerts", "Alerts");
  if (!in.detection) {
    p.note("Detection did not run (--no-detect).");
    p.end_section();
    return;
  }
  if (in.alerts.empty()) {
    p.note(in.alerts_raised == 0 ? "No alerts." : "Alerts were raised but none was kept in memory.");
    p.end_section();
    return;
  }
  write_alert_timeline(p, in, limits);
  p.raw("<h3>By detector</h3>");
  p.table_head({"Detector", "Critical#", "High#", "Medium#", "Low#", "Total#"});
  for (const ReportAlertGroup& g : in.alert_groups) {
    p.raw("<tr>");
    p.td(g.detector, "mono");
    std::uint64_t total = 0;
    for (std::size_t s = kReportSeverities; s-- > 0;) {
      p.td_num(g.by_severity[s]);
      total += g.by_severity[s];
    }
    p.td_num(total);
    p.raw("</tr>\n");
  }
  p.table_end();

  // The table: the most severe first, then the earliest, up to alert_rows.
  std::vector<const ReportAlert*> order;
  order.reserve(in.alerts.size());
  for (const ReportAlert& a : in.alerts) order.push_back(&a);
  const std::size_t shown = std::min(order.size(), limits.alert_rows);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [](const ReportAlert* a, const ReportAlert* b) {
                      if (a->severity != b->severity) return a->severity > b->severity;
                      return a->ts_ns < b->ts_ns;
                    });
  p.raw("<h3>Alert list</h3>");
  std::string note = fmt::format("{} alerts kept", commas(in.alerts.size()));
  if (in.alerts_not_kept > 0) note += fmt::format(" ({} more raised past the in-memory cap, counted only)", commas(in.alerts_not_kept));
  note += shown < order.size()
              ? fmt::format("; the table lists the {} most severe (then earliest); the timeline and the counts above include all kept alerts.", commas(shown))
              : "; all are listed, most severe first.";
  p.note(note);
  p.raw("<div class=\"controls\" id=\"alert-controls\" hidden><input id=\"alert-filter\" type=\"search\" "
        "placeholder=\"Filter alerts (address, detector, text)\" aria-label=\"Filter alerts\">"
        "<select id=\"alert-severity\" aria-label=\"Severity\"><option value=\"\">All severities</option>");
  for (std::size_t s = kReportSeverities; s-- > 0;) p.raw(fmt::format("<option value=\"{}\">{}</option>", s, kSeverityNames[s]));
  p.raw("</select><span class=\"count\" id=\"alert-count\" aria-live=\"polite\"></span></div>\n");
  p.table_head({"Time", "Severity#", "Detector", "ATT&CK", "Source", "Destination", "Summary", "Evidence", "Repeats#"},
               "alert-table");
  for (std::size_t i = 0; i < shown; ++i) {
    const ReportAlert& a = *order[i];
    const int s = clamp_severity(a.severity);
    p.raw(fmt::format("<tr class=\"alert\" data-sev=\"{}\">", s));
    p.raw(fmt::format("<td class=\"mono\" data-v=\"{}\">", a.ts_ns));
    p.text(a.time);
    p.raw(fmt::format("</td><td class=\"n\" data-v=\"{}\">", s));
    p.severity_badge(s);
    p.raw("</td>");
    p.td(a.detector, "mono");
    p.td(a.mitre, "mono");
    p.td(a.src, "mono");
    p.td(a.dest, "mono");
    p.td(a.summary, "w");
    write_evidence(p, a.evidence);
    p.td_num(a.repeats);
    p.raw("</tr>\n");
  }
  p.table_end();
  p.end_section();
}

void write_threats(Page& p, const ReportInput& in, const ReportLimits& limits) {
  p.section("threats", "Threat-score ranking");
  if (!in.detection) {
    p.note("Detection did not run (--no-detect).");
    p.end_section();
    return;
  }
  if (in.threats.empty()) {
    p.note("No host has a threat score (no alerts and no flagged flows).");
    p.end_section();
    return;
  }
  const std::size_t shown = std::min(in.threats.size(), limits.threat_rows);
  p.note(shown < in.threats.size()
             ? fmt::format("Score 0\xE2\x80\x93" "100 per host from its alerts and flagged flows (docs/detections.md). The {} highest of {} hosts.", shown, commas(in.threats.size()))
             : std::string("Score 0\xE2\x80\x93" "100 per host from its alerts and flagged flows (docs/detections.md)."));
  p.table_head({"Host", "Score#", "Roles", "Alerts#", "Critical#", "High#", "Medium#", "Low#", "Reasons"});
  for (std::size_t i = 0; i < shown; ++i) {
    const ReportThreat& t = in.threats[i];
    p.raw("<tr>");
    p.td(t.host, "mono");
    p.raw(fmt::format("<td class=\"n nw\" data-v=\"{:.3f}\"><span class=\"meter\" aria-hidden=\"true\"><span style=\"width:{:.0f}%\"></span></span>{:.1f}</td>",
                      t.score, std::clamp(t.score, 0.0, 100.0), t.score));
    p.td(t.roles);
    p.td_num(t.alerts);
    for (std::size_t s = kReportSeverities; s-- > 0;) p.td_num(t.by_severity[s]);
    p.raw("<td class=\"w\"><ul class=\"reasons\">");
    for (const std::string& r : t.reasons) {
      p.raw("<li>");
      p.text(r);
      p.raw("</li>");
    }
    p.raw("</ul></td></tr>\n");
  }
  p.table_end();
  p.end_section();
}

void write_anomalies(Page& p, const ReportInput& in) {
  p.section("anomalies", "Anomaly scores");
  if (!in.anomaly) {
    p.note("No model was given (--model FILE): flows were not scored.");
    p.end_section();
    return;
  }
  const double share = in.flows_scored == 0 ? 0.0 : 100.0 * static_cast<double>(in.flows_flagged) / static_cast<double>(in.flows_scored);
  p.note(fmt::format("Model {}; threshold {:.2f}; {} flows scored, {} flagged ({:.2f}%).", in.model, in.threshold,
                     commas(in.flows_scored), commas(in.flows_flagged), share));
  if (!in.score_histogram.empty()) {
    ColumnChart c{.title = "Flows by anomaly score", .layers = {{"flows", "c3"}}, .columns = {}, .column_labels = {},
                  .x_first = "0", .x_last = "1", .ticks = {}, .unit = "flows", .width = kFullWidth};
    const double w = 1.0 / static_cast<double>(in.score_histogram.size());
    for (std::size_t i = 0; i < in.score_histogram.size(); ++i) {
      c.columns.push_back({static_cast<double>(in.score_histogram[i])});
      c.column_labels.push_back(fmt::format("score {:.2f}\xE2\x80\x93{:.2f}", w * static_cast<double>(i), w * static_cast<double>(i + 1)));
    }
    p.raw(svg_column_chart(c));
  }
  p.raw("<h3>Most anomalous flows</h3>");
  if (in.anomalous_flows.empty()) {
    p.note("No flow was scored.");
  } else {
    p.table_head({"Score#", "Flow", "Originator", "Responder", "Protocol", "Service", "Why (feature = value, share of isolation)"});
    for (const ReportAnomalousFlow& f : in.anomalous_flows) {
      p.raw(fmt::format("<tr><td class=\"n\" data-v=\"{:.4f}\">{:.3f}</td>", f.score, f.score));
      p.td(f.uid, "mono");
      p.td(f.orig, "mono");
      p.td(f.resp, "mono");
      p.td(f.proto);
      p.td(f.service);
      p.raw("<td class=\"w\"><ul class=\"reasons\">");
      for (const std::string& e : f.explanation) {
        p.raw("<li>");
        p.text(e);
        p.raw("</li>");
      }
      p.raw("</ul></td></tr>\n");
    }
    p.table_end();
  }
  p.end_section();
}

// Machine-readable summary for scripts that read the page; escaped for a script element.
void write_summary_json(Page& p, const ReportInput& in) {
  std::string j = "{\"title\":";
  append_json_string(j, in.title);
  j += ",\"inputs\":[";
  for (std::size_t i = 0; i < in.inputs.size(); ++i) {
    if (i != 0) j += ',';
    append_json_string(j, in.inputs[i]);
  }
  j += fmt::format("],\"packets\":{},\"bytes\":{},\"flows\":{},\"hosts\":{},\"duration_s\":{:.6f},\"alerts\":{}", in.packets,
                   in.bytes, in.flows, in.hosts, in.duration_seconds, in.alerts_raised);
  j += ",\"first\":";
  append_json_string(j, in.first_time);
  j += ",\"last\":";
  append_json_string(j, in.last_time);
  j += ",\"alerts_by_severity\":{";
  for (std::size_t s = 0; s < kReportSeverities; ++s) {
    j += fmt::format("{}\"{}\":{}", s == 0 ? "" : ",", kSeverityNames[s], in.alerts_by_severity[s]);
  }
  j += "},\"input_error\":";
  append_json_string(j, in.input_error);
  j += "}";
  p.raw("<script type=\"application/json\" id=\"nta-summary\">");
  p.raw(j);
  p.raw("</script>\n");
}

}  // namespace

std::string render_html_report(const ReportInput& in, const ReportLimits& limits) {
  Page p;
  p.out.reserve(256 * 1024);
  write_head(p, in);
  write_header(p, in);
  write_overview(p, in);
  write_protocols(p, in);
  write_throughput(p, in, limits);
  write_sizes(p, in);
  write_talkers(p, in);
  write_ports(p, in);
  write_conversations(p, in);
  write_alerts(p, in, limits);
  write_threats(p, in, limits);
  write_anomalies(p, in);
  write_names(p, in);
  p.raw("</main>\n<footer>");
  p.text(in.generated_by.empty() ? std::string("nta") : in.generated_by);
  p.raw(" &middot; self-contained report: no network or file requests</footer>\n");
  write_summary_json(p, in);
  p.raw("<script>");
  p.raw(report_script());
  p.raw("</script>\n</body>\n</html>\n");
  return std::move(p.out);
}

std::size_t write_html_report(const std::string& path, const ReportInput& in, const ReportLimits& limits) {
  const std::string html = render_html_report(in, limits);
  const std::string tmp = fmt::format("{}.tmp{}", path, static_cast<long>(::getpid()));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    throw Error(ErrorKind::kIo, fmt::format("cannot create the report '{}': {}", path, std::strerror(errno)));
  }
  const bool ok = std::fwrite(html.data(), 1, html.size(), f) == html.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw Error(ErrorKind::kIo, fmt::format("cannot write the report '{}': {}", path, std::strerror(err)));
  }
  return html.size();
}

}  // namespace nta
