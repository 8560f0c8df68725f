#pragma once
// Area under the ROC curve of anomaly scores against 0/1 labels (1 = outlier, higher score = more
// anomalous), computed as the Mann-Whitney statistic with average ranks for ties.
#include <cstdint>
#include <span>

namespace nta {

// Throws nta::Error(kUsage) when the sizes differ or either class is empty.
[[nodiscard]] double roc_auc(std::span<const double> scores, std::span<const std::uint8_t> labels);

}  // namespace nta
