#include "pipeline/flow_feature_stage.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.h"
#include "features/feature_extractor.h"
#include "output/feature_csv_writer.h"
#include "output/flow_writer.h"
#include "output/summary_printer.h"
#include "output/text_table.h"

namespace nta {
namespace {

std::string endpoint_text(const IpAddress& a, std::uint16_t port, bool ports) {
  std::string s = to_string(a);
  if (!ports) return s;
  return a.family == IpFamily::kV6 ? fmt::format("[{}]:{}", s, port) : fmt::format("{}:{}", s, port);
}

}  // namespace

ModelFile load_flow_model(const std::string& path) {
  ModelFile m = load_model(path);
  if (m.schema_id != kFeatureSchemaId || m.feature_names.size() != kFeatureCount) {
    throw Error(ErrorKind::kInput,
                fmt::format("model '{}' was trained on feature schema '{}' ({} features); this nta computes '{}' "
                            "({} features): train a new model with 'nta train'",
                            path, m.schema_id, m.feature_names.size(), kFeatureSchemaId, kFeatureCount));
  }
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    if (m.feature_names[i] != kFeatureSchema[i].name) {
      throw Error(ErrorKind::kInput,
                  fmt::format("model '{}' names feature {} '{}' where schema '{}' has '{}': train a new model "
                              "with 'nta train'",
                              path, i + 1, m.feature_names[i], kFeatureSchemaId, kFeatureSchema[i].name));
    }
  }
  if (m.forest.features() != kFeatureCount) {
    throw Error(ErrorKind::kInput, fmt::format("model '{}' has a forest over {} features, its schema {}: the file "
                                               "is inconsistent; train a new model with 'nta train'",
                                               path, m.forest.features(), kFeatureCount));
  }
  return m;
}

std::optional<double> model_window_seconds(const ModelFile& m) {
  constexpr std::string_view kKey = "window_s=";
  const std::size_t at = m.description.find(kKey);
  if (at == std::string::npos) return std::nullopt;
  const char* first = m.description.data() + at + kKey.size();
  const char* last = m.description.data() + m.description.size();
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr == first || !(v > 0) || !std::isfinite(v)) return std::nullopt;
  return v;
}

FlowFeatureStage::FlowFeatureStage(const FeatureStageConfig& config, std::size_t top)
    : config_(config), top_n_(top) {
  if (!config_.model_path.empty()) {
    model_ = load_flow_model(config_.model_path);
    result_.model_path = config_.model_path;
    result_.model_description = model_->description;
    result_.model_window_seconds = model_window_seconds(*model_);
  }
  double window = kDefaultWindowSeconds;
  if (config_.window_seconds) {
    window = *config_.window_seconds;
  } else if (result_.model_window_seconds) {
    window = *result_.model_window_seconds;
  }
  if (!(window > 0) || !std::isfinite(window)) {
    throw Error(ErrorKind::kUsage, fmt::format("the host window must be a positive number of seconds, not {}", window));
  }
  result_.window_seconds = window;
  result_.threshold = config_.anomaly_threshold;
  HostWindowConfig hw;
  hw.window_ns = static_cast<std::int64_t>(std::llround(window * 1e9));
  hw.max_hosts = config_.max_hosts;
  hw.max_events = config_.max_events;
  hosts_ = std::make_unique<HostWindows>(hw);
  if (!config_.features_path.empty()) {
    csv_ = std::make_unique<FeatureCsvWriter>(config_.features_path);
    result_.features_path = config_.features_path;
  }
}

FlowFeatureStage::~FlowFeatureStage() = default;

void FlowFeatureStage::start_flow(const FlowRecord& r) {
  if (r.app_slot > shapes_.size()) shapes_.resize(r.app_slot);
  shapes_[r.app_slot - 1] = FlowShape{};
  hosts_->on_start(Timestamp{clock_ns_}, r.key.orig_addr, r.key.resp_addr, port_key(r), flow_has_ports(r));
}

const AnomalyVerdict* FlowFeatureStage::on_flow(const FlowRecord& r, Service service) {
  const bool final_record = !r.is_interim();
  if (!final_record && !model_) return nullptr;
  const Timestamp now{std::max(clock_ns_, r.last_ts.ns)};
  if (final_record) hosts_->on_end(now, r.key.orig_addr, flow_outcome(r));
  const HostWindowSnapshot host = hosts_->snapshot(r.key.orig_addr, now);
  static const FlowShape kNoShape{};
  const FlowShape& shape = r.app_slot != 0 && r.app_slot <= shapes_.size() ? shapes_[r.app_slot - 1] : kNoShape;
  extract_features(r, shape, host, row_);

  if (final_record) {
    ++result_.flows;
    if (csv_) csv_->write(r, row_);
    if (config_.collect_rows) result_.rows.insert(result_.rows.end(), row_.begin(), row_.end());
  }
  if (!model_) return nullptr;

  ++result_.scored;
  if (!final_record) ++result_.interim_scored;
  std::array<IsolationForest::Credit, 3> credits{};
  const IsolationForest::Explained e = model_->forest.score_and_explain(row_, credits);
  verdict_.score = e.score;
  verdict_.flagged = verdict_.score >= config_.anomaly_threshold;
  verdict_.top_count = static_cast<std::uint8_t>(std::min(e.count, verdict_.top.size()));
  for (std::size_t i = 0; i < verdict_.top_count; ++i) {
    const std::uint32_t f = credits[i].feature;
    verdict_.top[i] = FeatureContribution{kFeatureSchema[f].name, natural_value(f, row_[f]), credits[i].weight};
  }
  if (final_record) {
    if (verdict_.flagged) ++result_.flagged;
    const auto bin = static_cast<std::size_t>(std::clamp(verdict_.score, 0.0, 1.0) * kScoreHistogramBins);
    ++result_.score_histogram[std::min(bin, kScoreHistogramBins - 1)];
    remember_if_top(r, service);
  }
  return &verdict_;
}

// Keeps the top_n_ highest scores, highest first; a tie keeps the flow that ended first.
void FlowFeatureStage::remember_if_top(const FlowRecord& r, Service service) {
  if (top_n_ == 0) return;
  std::vector<AnomalousFlow>& top = result_.top;
  if (top.size() == top_n_ && !(verdict_.score > top.back().score)) return;
  AnomalousFlow a;
  a.score = verdict_.score;
  a.uid = std::string(r.uid_view());
  const bool ports = flow_has_ports(r);
  a.orig = endpoint_text(r.key.orig_addr, r.key.orig_port, ports);
  a.resp = endpoint_text(r.key.resp_addr, r.key.resp_port, ports);
  a.proto = flow_proto_name(r.key.ip_proto);
  a.service = std::string(service_name(service));
  a.top = verdict_.top;
  a.top_count = verdict_.top_count;
  const auto at = std::upper_bound(top.begin(), top.end(), a.score,
                                   [](double s, const AnomalousFlow& e) { return s > e.score; });
  top.insert(at, std::move(a));
  if (top.size() > top_n_) top.pop_back();
}

FeatureStageResult FlowFeatureStage::finish() {
  if (csv_) {
    csv_->flush();
    result_.feature_rows_written = csv_->rows();
  }
  result_.host_counters = hosts_->counters();
  result_.hosts_tracked = hosts_->hosts();
  return std::move(result_);
}

std::string anomaly_report(const FeatureStageResult& r) {
  std::string s;
  if (!r.features_path.empty()) {
    s += fmt::format("  feature rows: {} ({} rows, window {:g} s)\n", r.features_path,
                     with_commas(r.feature_rows_written), r.window_seconds);
  }
  if (r.model_path.empty()) return s;
  s += fmt::format("\nAnomalies (model {}, threshold {:.2f}, host window {:g} s", r.model_path, r.threshold,
                   r.window_seconds);
  if (r.model_window_seconds && *r.model_window_seconds != r.window_seconds) {
    s += fmt::format("; the model was trained with {:g} s", *r.model_window_seconds);
  }
  s += ")\n";
  const double share = r.flows == 0 ? 0.0 : 100.0 * static_cast<double>(r.flagged) / static_cast<double>(r.flows);
  s += fmt::format("  flows scored {}, flagged {} ({:.2f}%)", with_commas(r.flows), with_commas(r.flagged), share);
  if (r.interim_scored != 0) s += fmt::format("; interim records scored {}", with_commas(r.interim_scored));
  s += '\n';
  if (r.top.empty()) return s;

  s += "\nMost anomalous flows\n";
  TextTable table({{"score", Align::kRight},
                   {"uid", Align::kLeft},
                   {"originator", Align::kLeft},
                   {"responder", Align::kLeft},
                   {"proto", Align::kLeft},
                   {"service", Align::kLeft},
                   {"top features (value, share of isolation)", Align::kLeft}});
  for (const AnomalousFlow& a : r.top) {
    std::string why;
    for (std::size_t i = 0; i < a.top_count; ++i) {
      if (i != 0) why += "  ";
      why += fmt::format("{}={:.4g} ({:.0f}%)", a.top[i].name, a.top[i].value, 100 * a.top[i].weight);
    }
    table.add_row({fmt::format("{:.3f}", a.score), a.uid, a.orig, a.resp, a.proto, a.service, why});
  }
  table.render(s);
  return s;
}

}  // namespace nta
