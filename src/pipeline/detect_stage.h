#pragma once
// The detection stage of `nta analyze`: the detection engine, the alert file it writes as alerts
// are raised, the threat scores file and the end-of-run tables. run_analyze_job calls it with each
// packet after the flow table and with each flow record the table emits.
#include <cstdint>
#include <memory>
#include <string>

#include "decode/packet_view.h"
#include "detect/asset_context.h"
#include "detect/detection_engine.h"
#include "detect/rules_config.h"
#include "flow/flow_table.h"
#include "output/alert_writer.h"
#include "output/buffered_writer.h"

namespace nta {

struct DetectStageConfig {
  bool enabled = false;      // `nta analyze` turns it on (--no-detect off); `nta stats` leaves it off
  RulesConfig rules;         // --rules FILE over the defaults
  std::string alerts_path;   // --alerts: alert JSON lines
  std::string scores_path;   // --scores: threat scores JSON
  std::size_t alert_rows = 20;  // rows of the terminal's alert table
  // Host context from an asset inventory (issue 7); null: none. Must outlive the run.
  const AssetContext* assets = nullptr;
  std::string assets_label;  // where the context came from, for the end-of-run lines ("nta.db, 12 hosts")
};

struct DetectStageResult {
  std::uint64_t alerts_raised = 0;
  std::uint64_t alerts_written = 0;
};

class DetectStage {
 public:
  // Creates the alert file (throws nta::Error(kIo) when it cannot).
  explicit DetectStage(const DetectStageConfig& config);

  void on_packet(const PacketView& p, const FlowUpdate& u) { engine_.on_packet(p, u); }
  void on_flow(const FlowRecord& r, const AnomalyVerdict* verdict) { engine_.on_flow_end(r, verdict); }

  // End of input: flushes the alert file and writes the scores file.
  DetectStageResult finish();
  // The "Alerts" and "Top threat hosts" tables.
  void print(BufferedWriter& console, std::size_t top_hosts) const;

  [[nodiscard]] const DetectionEngine& engine() const noexcept { return engine_; }

 private:
  DetectStageConfig config_;
  DetectionEngine engine_;
  std::unique_ptr<AlertWriter> alerts_;
};

}  // namespace nta
