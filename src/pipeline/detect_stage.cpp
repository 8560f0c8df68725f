#include "pipeline/detect_stage.h"

#include <fmt/core.h>

#include <numeric>

#include "output/alert_printer.h"
#include "output/summary_printer.h"

namespace nta {

DetectStage::DetectStage(const DetectStageConfig& config)
    : config_(config), engine_(config.rules, config.assets) {
  if (!config_.alerts_path.empty()) {
    alerts_ = std::make_unique<AlertWriter>(config_.alerts_path);
    engine_.set_sink([w = alerts_.get()](const Alert& a) { w->write(a); });
  }
}

DetectStageResult DetectStage::finish() {
  DetectStageResult r;
  r.alerts_raised = engine_.alert_counters().raised;
  if (alerts_) {
    alerts_->flush();
    r.alerts_written = alerts_->rows();
  }
  if (!config_.scores_path.empty()) {
    ScoresContext ctx;
    ctx.end = engine_.latest();
    ctx.half_life_seconds = config_.rules.global.score_half_life_seconds;
    ctx.alerts = engine_.alert_counters();
    const auto ev = engine_.evictions();
    ctx.evictions.assign(ev.begin(), ev.end());
    write_threat_scores(config_.scores_path, engine_.scores(), ctx);
  }
  return r;
}

void DetectStage::print(BufferedWriter& console, std::size_t top_hosts) const {
  AlertTableContext ctx;
  ctx.max_alert_rows = config_.alert_rows;
  ctx.max_hosts = top_hosts;
  ctx.alerts_path = config_.alerts_path;
  ctx.counters = engine_.alert_counters();
  const auto ev = engine_.evictions();
  ctx.evictions = std::accumulate(ev.begin(), ev.end(), std::uint64_t{0});
  print_alerts(console, engine_.alerts(), engine_.scores(), ctx);
  std::string files;
  if (alerts_) files += fmt::format("  alerts: {} ({} rows)\n", alerts_->path(), with_commas(alerts_->rows()));
  if (!config_.scores_path.empty()) files += fmt::format("  threat scores: {}\n", config_.scores_path);
  if (!config_.assets_label.empty()) files += fmt::format("  asset inventory: {}\n", config_.assets_label);
  console.append(files);
}

}  // namespace nta
