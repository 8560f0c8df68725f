#include "pipeline/analyze_job.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "app/app_inspector.h"
#include "app/service.h"
#include "capture/merged_source.h"
#include "core/error.h"
#include "decode/decoder.h"
#include "output/buffered_writer.h"
#include "output/flow_writer.h"
#include "output/packet_csv_writer.h"
#include "output/progress_bar.h"
#include "output/stats_json.h"
#include "output/stats_printer.h"
#include "output/summary_printer.h"
#include "pipeline/report_stage.h"
#include "pipeline/stop_signal.h"
#include "report/html_report.h"

namespace nta {
namespace {

// Per-flow application state lives beside the flow table, indexed by FlowRecord::app_slot - 1,
// so the flow record stays small and flat. Slots are reused; an AppInfo is allocated only for
// flows whose payload said something.
struct AppSide {
  AppState state;
  std::unique_ptr<AppInfo> info;
};

class AppSides {
 public:
  std::uint32_t acquire() {
    if (!free_.empty()) {
      const std::uint32_t slot = free_.back();
      free_.pop_back();
      return slot;
    }
    sides_.emplace_back();
    return static_cast<std::uint32_t>(sides_.size());
  }
  AppSide* find(std::uint32_t slot) noexcept { return slot == 0 ? nullptr : &sides_[slot - 1]; }
  AppSide& get(std::uint32_t slot) noexcept { return sides_[slot - 1]; }  // slot != 0
  void release(std::uint32_t slot) {
    if (slot == 0) return;
    sides_[slot - 1] = AppSide{};
    free_.push_back(slot);
  }

 private:
  std::vector<AppSide> sides_;
  std::vector<std::uint32_t> free_;
};

void print_flow_block(BufferedWriter& out, const AnalyzeResult& r, const std::string& flows_path) {
  const FlowCounters& c = r.flow_counters;
  std::string s = "\nFlows\n";
  s += fmt::format("  created {}, timed out {}, closed {}, at end of input {}, evicted (table full) {}, "
                   "interim records {}\n",
                   with_commas(c.flows_created), with_commas(c.flows_timed_out), with_commas(c.flows_closed),
                   with_commas(c.flows_flushed), with_commas(c.flows_evicted), with_commas(c.interim_records));
  s += fmt::format("  packets outside flows (not IP) {}\n", with_commas(c.packets_not_in_flows));
  if (!flows_path.empty()) s += fmt::format("  flow records: {} ({} rows)\n", flows_path, with_commas(r.flows_written));
  out.append(s);
}

}  // namespace

AnalyzeResult run_analyze_job(const AnalyzeConfig& config) {
  clear_stop_request();
  AnalyzeResult result;

  // Inputs open before any output is created (a missing file leaves no empty output behind).
  std::unique_ptr<PacketSource> source =
      config.live ? PacketSource::open_live(*config.live) : open_merged(config.files);
  if (!config.filter.empty()) source->set_filter(config.filter);
  ActiveSourceGuard guard(source.get());

  // The model loads before any output is created (a bad model leaves no empty output behind).
  std::unique_ptr<FlowFeatureStage> features;
  if (config.flows_enabled && config.features.enabled()) {
    features = std::make_unique<FlowFeatureStage>(config.features, config.top);
  }

  BufferedWriter console("-");
  std::unique_ptr<PacketCsvWriter> packet_csv;
  if (!config.packet_csv_path.empty()) packet_csv = std::make_unique<PacketCsvWriter>(config.packet_csv_path);
  std::unique_ptr<FlowWriter> flows;
  if (config.flows_enabled && !config.flows_path.empty()) {
    flows = std::make_unique<FlowWriter>(config.flows_path, flow_format_for(config.flows_path),
                                         features && features->scoring());
  }
  std::unique_ptr<DetectStage> detection;
  if (config.flows_enabled && config.detect.enabled) detection = std::make_unique<DetectStage>(config.detect);

  std::optional<FlowTable> table;
  if (config.flows_enabled) table.emplace(config.flow);
  AppSides sides;
  TrafficStats& stats = result.stats;
  std::unique_ptr<WireNameCounter> names;
  if (!config.report_path.empty()) names = std::make_unique<WireNameCounter>();

  auto emit = [&](const FlowRecord& r) {
    AppSide* side = sides.find(r.app_slot);
    const AnomalyVerdict* verdict =
        features ? features->on_flow(r, side != nullptr ? side->state.service : Service::kUnknown) : nullptr;
    if (flows) {
      flows->write(r, side != nullptr ? side->state : AppState{}, side != nullptr ? side->info.get() : nullptr,
                   verdict);
      ++result.flows_written;
    }
    if (detection) detection->on_flow(r, verdict);
    if (r.is_interim()) return;
    if (names && side != nullptr && side->info) names->add(*side->info);
    stats.add_flow_state(conn_state_name(r.conn_state));
    if (side != nullptr && side->state.service_from_content()) {
      stats.add_flow_service(service_name(side->state.service), r.orig.packets + r.resp.packets,
                             r.orig.ip_bytes + r.resp.ip_bytes);
    }
    sides.release(r.app_slot);
  };

  FileProgress progress(config.progress && !config.live ? config.files : std::vector<std::string>{}, false);
  progress.next_file();

  RawPacket raw;
  PacketView view;
  std::int64_t expired_second = INT64_MIN;
  for (;;) {
    if (stop_requested()) {
      result.interrupted = true;
      break;
    }
    const NextResult r = source->next(raw);
    if (r == NextResult::kTimeout) {
      console.flush();
      continue;
    }
    if (r == NextResult::kEnd) {
      result.interrupted = stop_requested();
      break;
    }
    if (r == NextResult::kError) {
      result.input_error = fmt::format("'{}': {} (after {} packets)", source->name(), source->error(), result.packets);
      break;
    }
    decode(raw, view);
    ++result.packets;
    stats.add(view);
    if (packet_csv) packet_csv->write(view);
    if (table) {
      // Timeouts run on packet time, checked once per second of it, before the packet is
      // accounted: a packet after a long silence must start a new flow, not revive the old one.
      const std::int64_t second = view.ts.seconds();
      if (second != expired_second) {
        expired_second = second;
        table->expire(view.ts, emit);
      }
      const FlowUpdate u = table->update(view, emit);
      if (u.flow != nullptr) {
        if (u.flow->app_slot == 0) u.flow->app_slot = sides.acquire();
        AppSide& side = sides.get(u.flow->app_slot);
        inspect_app(view, u.from_originator, side.state, side.info);
        if (features) features->on_packet(view, u);
      }
      if (detection) detection->on_packet(view, u);
    }
    progress.tick([&] { return source->read_position().value_or(0); });
    if (config.count != 0 && result.packets >= config.count) {
      result.count_reached = true;
      break;
    }
  }
  progress.finish();

  if (table) {
    table->flush(emit);
    result.flow_counters = table->counters();
  }
  if (flows) flows->flush();
  if (packet_csv) packet_csv->flush();
  if (features) result.features = features->finish();
  if (detection) result.detect = detection->finish();

  StatsContext ctx;
  if (config.live) {
    ctx.inputs.push_back({std::string(source->name()), std::string(source->link_type_name())});
  } else {
    for (const std::string& f : config.files) ctx.inputs.push_back({f, std::string(source->link_type_name())});
  }
  ctx.filter = config.filter;
  ctx.top = config.top;
  ctx.interrupted = result.interrupted;
  ctx.input_error = result.input_error;
  if (config.stats_output == StatsOutput::kJson) {
    console.append(stats_json(stats, ctx));
  } else if (config.stats_output == StatsOutput::kTables) {
    print_stats(console, stats, ctx);
    if (table && config.print_flow_counters) print_flow_block(console, result, flows ? flows->path() : std::string());
    if (packet_csv) console.append(fmt::format("  packet CSV: {} ({} rows)\n", packet_csv->path(), with_commas(packet_csv->rows())));
    if (features) console.append(anomaly_report(result.features));
    if (detection) detection->print(console, config.top);
  }
  // The report is written even when the input failed partway: it says so and shows what came before.
  if (!config.report_path.empty()) {
    console.flush();
    const auto start = std::chrono::steady_clock::now();
    const std::size_t size = write_html_report(
        config.report_path, make_report_input(config, result, detection ? &detection->engine() : nullptr, *names));
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const std::string line = fmt::format("report: {} ({} bytes, {:.0f} ms)\n", config.report_path, with_commas(size), ms);
    if (config.stats_output == StatsOutput::kJson) {
      std::fputs(line.c_str(), stderr);  // standard output holds one JSON document
    } else {
      console.append(line);
    }
  }
  console.flush();
  if (!result.input_error.empty()) throw Error(ErrorKind::kInput, result.input_error);
  return result;
}

}  // namespace nta
