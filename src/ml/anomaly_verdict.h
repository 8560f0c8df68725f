#pragma once
// What the anomaly detector says about one row (in nta, one flow): its Isolation Forest score and
// the features that did most to isolate it. Plain data shared by the flow output, the detectors
// and the reports; names point into the loaded model's feature schema, which outlives every verdict.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace nta {

struct FeatureContribution {
  std::string_view name;  // the feature's name in the model's schema
  double value = 0;       // the row's value of that feature
  double weight = 0;      // the share of the isolation credited to it (0..1)
};

struct AnomalyVerdict {
  double score = 0;      // s(x) = 2^(-E[h(x)]/c(psi)) in (0, 1]; above 0.5 is easier to isolate than average
  bool flagged = false;  // score >= the run's anomaly threshold
  std::array<FeatureContribution, 3> top{};
  std::uint8_t top_count = 0;

  [[nodiscard]] std::span<const FeatureContribution> top_features() const noexcept { return {top.data(), top_count}; }
};

}  // namespace nta
