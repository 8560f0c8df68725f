#include "output/summary_printer.h"

#include <fmt/core.h>

#include <algorithm>

#include "core/timestamp.h"
#include "decode/anomaly.h"

namespace nta {

std::string with_commas(std::uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

namespace {

std::string scaled(double v, const char* const* units, std::size_t count, const char* sep) {
  std::size_t u = 0;
  while (v >= 1000.0 && u + 1 < count) {
    v /= 1000.0;
    ++u;
  }
  if (u == 0) return fmt::format("{:.0f}{}{}", v, sep, units[0]);
  return fmt::format("{:.{}f}{}{}", v, v < 10 ? 2 : (v < 100 ? 1 : 0), sep, units[u]);
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string time_text(Timestamp t) {
  char buf[kMaxTimestampText];
  return {buf, format_console_time(t, buf)};
}

void host_table(std::string& s, const char* title, const HostCounterTable& table,
                std::uint64_t total_packets, std::size_t top) {
  const auto rows = table.top_by_packets(top);
  if (rows.empty()) return;
  s += fmt::format("\n{} (by packets, {} distinct)\n", title, with_commas(table.size()));
  s += fmt::format("  {:<40} {:>12} {:>7} {:>11}\n", "address", "packets", "share", "bytes");
  for (const HostCount& h : rows) {
    s += fmt::format("  {:<40} {:>12} {:>6.1f}% {:>11}\n", to_string(h.address),
                     with_commas(h.packets), share(h.packets, total_packets),
                     human_bytes(static_cast<double>(h.bytes)));
  }
  if (table.other().packets > 0) {
    s += fmt::format("  {:<40} {:>12} {:>6.1f}% {:>11}\n", "(hosts past the table's cap)",
                     with_commas(table.other().packets), share(table.other().packets, total_packets),
                     human_bytes(static_cast<double>(table.other().bytes)));
  }
}

}  // namespace

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  return scaled(bytes, kUnits, std::size(kUnits), " ");
}

std::string human_bits_per_second(double bits) {
  static constexpr const char* kUnits[] = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"};
  return scaled(bits, kUnits, std::size(kUnits), " ");
}

void print_summary(BufferedWriter& out, const PacketSummary& summary, const SummaryContext& ctx) {
  std::string s;
  s += "=== Summary ===\n";
  for (const std::string& in : ctx.inputs) s += fmt::format("Input:       {}\n", in);
  const double secs = summary.duration_seconds();
  s += fmt::format("Packets:     {}\n", with_commas(summary.packets()));
  s += fmt::format("Bytes:       {} ({} bytes on the wire)\n",
                   human_bytes(static_cast<double>(summary.bytes())), with_commas(summary.bytes()));
  if (summary.packets() > 0) {
    s += fmt::format("Duration:    {:.6f} s (first {}, last {} UTC)\n", secs,
                     time_text(summary.first_seen()), time_text(summary.last_seen()));
  }
  if (secs > 0) {
    s += fmt::format("Rate:        {:.1f} packets/s, {}\n", static_cast<double>(summary.packets()) / secs,
                     human_bits_per_second(8.0 * static_cast<double>(summary.bytes()) / secs));
  }
  if (ctx.interrupted) s += "Stopped:     interrupted (Ctrl-C); everything up to here is kept\n";
  if (ctx.count_reached) s += "Stopped:     packet count reached (-c)\n";

  const auto protocols = summary.protocols();
  if (!protocols.empty()) {
    s += "\nProtocols\n";
    s += fmt::format("  {:<14} {:>12} {:>7} {:>11} {:>7}\n", "protocol", "packets", "share", "bytes",
                     "share");
    for (const ProtocolCount& p : protocols) {
      s += fmt::format("  {:<14} {:>12} {:>6.1f}% {:>11} {:>6.1f}%\n", p.name, with_commas(p.packets),
                       share(p.packets, summary.packets()), human_bytes(static_cast<double>(p.bytes)),
                       share(p.bytes, summary.bytes()));
    }
  }
  host_table(s, "Top sources", summary.sources(), summary.packets(), ctx.top);
  host_table(s, "Top destinations", summary.destinations(), summary.packets(), ctx.top);

  s += "\nDecode anomalies";
  if (summary.packets_with_anomalies() == 0) {
    s += ": none\n";
  } else {
    s += fmt::format(" ({} packets, {:.2f}%)\n", with_commas(summary.packets_with_anomalies()),
                     share(summary.packets_with_anomalies(), summary.packets()));
    for (int i = 0; i < kAnomalyCount; ++i) {
      const auto a = static_cast<Anomaly>(i);
      if (summary.anomaly_count(a) == 0) continue;
      s += fmt::format("  {:<28} {:>12}\n", anomaly_name(a), with_commas(summary.anomaly_count(a)));
    }
  }
  if (ctx.kernel) {
    s += fmt::format("\nKernel:      {} received, {} dropped by the kernel, {} dropped by the interface\n",
                     with_commas(ctx.kernel->received), with_commas(ctx.kernel->dropped_by_kernel),
                     with_commas(ctx.kernel->dropped_by_interface));
  }
  if (!ctx.csv_path.empty()) {
    s += fmt::format("\nCSV:         {} ({} rows)\n", ctx.csv_path, with_commas(ctx.csv_rows));
  }
  if (!ctx.pcap_path.empty()) s += fmt::format("Packets written to: {}\n", ctx.pcap_path);
  if (!ctx.input_error.empty()) s += fmt::format("Input error: {}\n", ctx.input_error);
  out.append(s);
  out.flush();
}

}  // namespace nta
