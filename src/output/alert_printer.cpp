#include "output/alert_printer.h"

#include <fmt/core.h>

#include <algorithm>
#include <numeric>

#include "app/text_escape.h"
#include "output/summary_printer.h"
#include "output/text_table.h"

namespace nta {
namespace {

constexpr std::size_t kMaxSummary = 110;
constexpr std::size_t kMaxReasons = 100;

bool printable(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Text for a terminal cell: printable ASCII kept as it is (wire strings were escaped on entry),
// anything else escaped; long text cut with "...".
std::string cell(std::string_view s, std::size_t max) {
  std::string t = printable(s) ? std::string(s) : escape_for_text(s);
  if (t.size() > max) {
    t.resize(max - 3);
    t += "...";
  }
  return t;
}

std::string time_text(Timestamp t) {
  char buf[kMaxTimestampText];
  const std::string full(buf, format_console_time(t, buf));
  return full.substr(0, 19);  // to the second
}

}  // namespace

std::string alert_endpoints(const Alert& a) {
  std::string src = !a.src.empty() ? to_string(a.src) : !a.src_mac.empty() ? a.src_mac : "(many)";
  // The correlation findings about one host name no destination.
  const bool host_finding = a.detector == DetectorId::kUnexpectedService || a.detector == DetectorId::kUnknownHost;
  std::string dst = !a.dest.empty() ? to_string(a.dest) : host_finding ? "-" : "(many)";
  return src + " -> " + dst;
}

void print_alerts(BufferedWriter& out, const std::vector<Alert>& alerts, const std::vector<HostThreat>& hosts,
                  const AlertTableContext& ctx) {
  std::string s;
  const AlertCounters& c = ctx.counters;
  s += fmt::format("\nAlerts ({} raised", with_commas(c.raised));
  if (c.repeats != 0) s += fmt::format(", {} repeats throttled", with_commas(c.repeats));
  if (ctx.evictions != 0) s += fmt::format(", {} state keys evicted", with_commas(ctx.evictions));
  s += ")\n";
  if (alerts.empty()) {
    s += "  none\n";
  } else {
    // The most severe first, then in the order they were raised.
    std::vector<std::size_t> order(alerts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return alerts[a].severity > alerts[b].severity; });
    const std::size_t rows = std::min(order.size(), ctx.max_alert_rows);
    TextTable t({{"time (UTC)", Align::kLeft},
                 {"severity", Align::kLeft},
                 {"detector", Align::kLeft},
                 {"src -> dst", Align::kLeft},
                 {"summary", Align::kLeft}});
    for (std::size_t i = 0; i < rows; ++i) {
      const Alert& a = alerts[order[i]];
      std::string summary = a.summary;
      if (a.repeats != 0) summary += fmt::format(" [+{} repeats]", a.repeats);
      t.add_row({time_text(a.ts), std::string(severity_name(a.severity)), std::string(detector_name(a.detector)),
                 cell(alert_endpoints(a), 60), cell(summary, kMaxSummary)});
    }
    t.render(s);
    const std::uint64_t rest = c.raised - rows;
    if (rest != 0) {
      s += fmt::format("  ... and {} more alert{}", with_commas(rest), rest == 1 ? "" : "s");
      s += ctx.alerts_path.empty() ? " (--alerts FILE writes them all)\n"
                                   : fmt::format(" in {}\n", cell(ctx.alerts_path, 200));
    }
  }
  if (!hosts.empty()) {
    s += fmt::format("\nTop threat hosts ({} scored; 0-100, docs/detections.md)\n", with_commas(hosts.size()));
    TextTable t({{"score"}, {"host", Align::kLeft}, {"role", Align::kLeft}, {"alerts"}, {"reasons", Align::kLeft}});
    const std::size_t rows = std::min(hosts.size(), ctx.max_hosts);
    for (std::size_t i = 0; i < rows; ++i) {
      const HostThreat& h = hosts[i];
      std::string reasons;
      for (std::size_t k = 0; k < h.reasons.size() && k < 2; ++k) {
        if (k != 0) reasons += "; ";
        reasons += h.reasons[k];
      }
      t.add_row({fmt::format("{:.1f}", h.score), cell(h.label, 45), h.roles(), with_commas(h.alerts),
                 cell(reasons, kMaxReasons)});
    }
    t.render(s);
  }
  out.append(s);
}

}  // namespace nta
