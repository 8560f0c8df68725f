#pragma once
// The flow job of `nta analyze` and `nta stats`: source -> decode -> traffic statistics, flow
// table, application inspection -> flow records and the statistics tables. The one place that
// knows the order of these stages.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/packet_source.h"
#include "flow/flow_table.h"
#include "pipeline/detect_stage.h"
#include "pipeline/flow_feature_stage.h"
#include "stats/traffic_stats.h"

namespace nta {

enum class StatsOutput : std::uint8_t { kTables, kJson, kNone };

struct AnalyzeConfig {
  std::vector<std::string> files;   // read as one stream in timestamp order ...
  std::optional<LiveOptions> live;  // ... or capture live
  std::string filter;               // BPF expression
  std::uint64_t count = 0;          // stop after this many packets (0 = no limit)
  std::string packet_csv_path;      // --csv: the packet CSV
  std::string flows_path;           // --flows: flow records (CSV or JSON lines by extension)
  FlowConfig flow;
  bool flows_enabled = true;        // `nta stats` without flows skips the flow table
  StatsOutput stats_output = StatsOutput::kTables;
  std::size_t top = 10;
  bool progress = true;             // a progress line on a terminal's standard error
  bool print_flow_counters = true;  // the "Flows" block after the statistics tables
  FeatureStageConfig features;      // --features, --model, --anomaly-threshold, --window; nta train
  DetectStageConfig detect;         // detectors, --rules, --alerts, --scores (nta analyze)
  std::string report_path;          // --report: the HTML report (docs/report.md)
};

struct AnalyzeResult {
  TrafficStats stats;
  FlowCounters flow_counters;
  std::uint64_t flows_written = 0;
  FeatureStageResult features;  // rows, scores and the most anomalous flows, when features ran
  DetectStageResult detect;     // alerts raised and written, when detection ran
  std::uint64_t packets = 0;
  bool interrupted = false;
  bool count_reached = false;
  std::string input_error;
};

// Runs to the end of the input, the count, or Ctrl-C. Outputs are flushed and the statistics
// printed even when an input fails partway; then the error is thrown as nta::Error(kInput).
AnalyzeResult run_analyze_job(const AnalyzeConfig& config);

}  // namespace nta
