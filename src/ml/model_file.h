#pragma once
// The model file: a fitted forest with the feature schema it expects, training statistics and a
// checksum, in a versioned little-endian binary format (docs/ml.md, "Model file").
#include <cstdint>
#include <string>
#include <vector>

#include "ml/isolation_forest.h"

namespace nta {

struct FeatureStats {
  double min = 0, max = 0, mean = 0, stddev = 0;
};

inline constexpr std::uint32_t kModelFormatVersion = 1;

struct ModelFile {
  IsolationForest forest;
  std::vector<std::string> feature_names;   // the schema: one name per column, in order
  std::vector<FeatureStats> feature_stats;  // training statistics per column
  std::uint64_t training_rows = 0;
  std::string schema_id;    // e.g. "nta-flow-features/1" -- compared on load by the caller
  std::string description;  // free text: what it was trained on
};

// Per-column min, max, mean and (population) standard deviation of `x`.
[[nodiscard]] std::vector<FeatureStats> compute_feature_stats(MatrixView x);

// Writes `m` to `path` (through a temporary file renamed into place). Throws nta::Error(kUsage) when
// the names or stats do not match the forest's feature count, nta::Error(kIo) when it cannot write.
void save_model(const std::string& path, const ModelFile& m);

// Reads and checks a model file. Throws nta::Error with one line naming the file and the reason:
// kIo (cannot open), kInput (not a model file, truncated, wrong version, bad checksum, inconsistent).
[[nodiscard]] ModelFile load_model(const std::string& path);

}  // namespace nta
