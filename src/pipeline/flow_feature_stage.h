#pragma once
// The feature stage of the flow job: per-flow shapes (updated per packet), per-host windows (fed as
// flows start and end), and for each emitted record its feature row, which goes to the feature CSV,
// to the training rows of `nta train`, and to the Isolation Forest of a loaded model.
//
// Interim records are scored (a snapshot of a long flow so far, so a live capture hears about it
// before the flow ends) but are not rows: the feature CSV, the training rows, the host windows'
// connection ends, the flagged count and the most-anomalous table take final records only.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/service.h"
#include "decode/packet_view.h"
#include "features/feature_schema.h"
#include "features/flow_shape.h"
#include "features/host_windows.h"
#include "flow/flow_table.h"
#include "ml/anomaly_verdict.h"
#include "ml/model_file.h"

namespace nta {

class FeatureCsvWriter;

// The default of --anomaly-threshold; docs/features.md shows the score distributions it is chosen from.
inline constexpr double kDefaultAnomalyThreshold = 0.62;
inline constexpr double kDefaultWindowSeconds = 60;
// Bins of the anomaly-score histogram over [0, 1] (the HTML report draws it).
inline constexpr std::size_t kScoreHistogramBins = 20;

struct FeatureStageConfig {
  std::string features_path;             // --features: write the feature matrix here
  std::string model_path;                // --model: score every flow
  double anomaly_threshold = kDefaultAnomalyThreshold;
  std::optional<double> window_seconds;  // --window; unset: the model's window, else 60 s
  bool collect_rows = false;             // keep every final flow's row (nta train)
  std::uint32_t max_hosts = HostWindowConfig{}.max_hosts;
  std::uint32_t max_events = HostWindowConfig{}.max_events;

  [[nodiscard]] bool enabled() const noexcept {
    return !features_path.empty() || !model_path.empty() || collect_rows;
  }
};

// One row of the "Most anomalous flows" table, formatted when it enters the table.
struct AnomalousFlow {
  double score = 0;
  std::string uid, orig, resp, proto, service;
  std::array<FeatureContribution, 3> top{};  // names point into the model's schema (static storage)
  std::uint8_t top_count = 0;
};

struct FeatureStageResult {
  std::uint64_t flows = 0;             // final records made into rows
  std::uint64_t scored = 0;            // records scored, interim ones included
  std::uint64_t interim_scored = 0;
  std::uint64_t flagged = 0;           // final records scored at or above the threshold
  std::vector<double> rows;            // collect_rows: kFeatureCount values per final flow
  std::vector<AnomalousFlow> top;      // the most anomalous final flows, highest score first
  std::array<std::uint64_t, kScoreHistogramBins> score_histogram{};  // final records by score
  std::uint64_t feature_rows_written = 0;
  std::string features_path;
  std::string model_path;
  std::string model_description;
  double threshold = 0;
  double window_seconds = 0;
  std::optional<double> model_window_seconds;  // the window the model was trained with, if it says
  HostWindowCounters host_counters;
  std::size_t hosts_tracked = 0;
};

// Loads a model file and checks that it was trained on this build's feature schema; throws
// nta::Error(kInput) naming the file and the difference otherwise.
[[nodiscard]] ModelFile load_flow_model(const std::string& path);
// The window a model's description records ("window_s=60"), if any.
[[nodiscard]] std::optional<double> model_window_seconds(const ModelFile& m);

class FlowFeatureStage {
 public:
  // Loads the model and creates the feature CSV (in that order: a bad model leaves no file behind).
  // `top` is the size of the most-anomalous table.
  FlowFeatureStage(const FeatureStageConfig& config, std::size_t top);
  ~FlowFeatureStage();
  FlowFeatureStage(const FlowFeatureStage&) = delete;
  FlowFeatureStage& operator=(const FlowFeatureStage&) = delete;

  // Per packet, after the flow table updated `u.flow` and its app_slot was assigned.
  void on_packet(const PacketView& p, const FlowUpdate& u) {
    if (u.flow == nullptr || u.flow->app_slot == 0) return;
    if (p.ts.ns > clock_ns_) clock_ns_ = p.ts.ns;
    if (u.created || u.flow->app_slot > shapes_.size()) start_flow(*u.flow);
    shapes_[u.flow->app_slot - 1].add(p, u.from_originator);
  }

  // Per emitted record (final or interim), before the slot is reused. Returns the verdict (valid
  // until the next call) when a model is loaded, else nullptr.
  const AnomalyVerdict* on_flow(const FlowRecord& r, Service service = Service::kUnknown);

  // Flushes the feature CSV and hands over the results.
  FeatureStageResult finish();

  [[nodiscard]] bool scoring() const noexcept { return model_.has_value(); }
  [[nodiscard]] double window_seconds() const noexcept { return result_.window_seconds; }

 private:
  void start_flow(const FlowRecord& r);
  void remember_if_top(const FlowRecord& r, Service service);

  FeatureStageConfig config_;
  std::size_t top_n_;
  std::optional<ModelFile> model_;
  std::unique_ptr<FeatureCsvWriter> csv_;
  std::unique_ptr<HostWindows> hosts_;
  std::vector<FlowShape> shapes_;  // by app_slot - 1
  std::int64_t clock_ns_ = INT64_MIN;
  std::array<double, kFeatureCount> row_{};
  AnomalyVerdict verdict_;
  FeatureStageResult result_;
};

// The terminal block: counts, then the most anomalous flows with their explanations.
[[nodiscard]] std::string anomaly_report(const FeatureStageResult& r);

}  // namespace nta
