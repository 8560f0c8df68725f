#include "features/feature_schema.h"

#include <cmath>

namespace nta {

static_assert(kFeatureSchema.back().name == "src_bytes_ratio", "the table and the Feature enum list the same columns");

double natural_value(std::size_t feature, double row_value) noexcept {
  if (feature >= kFeatureCount) return row_value;
  switch (kFeatureSchema[feature].scale) {
    case FeatureScale::kLinear: return row_value;
    case FeatureScale::kLog1p: return std::expm1(row_value);
    case FeatureScale::kLog1pMicros: return std::expm1(row_value) / 1e6;
  }
  return row_value;
}

double row_value(std::size_t feature, double natural) noexcept {
  if (feature >= kFeatureCount) return natural;
  switch (kFeatureSchema[feature].scale) {
    case FeatureScale::kLinear: return natural;
    case FeatureScale::kLog1p: return std::log1p(natural);
    case FeatureScale::kLog1pMicros: return std::log1p(natural * 1e6);
  }
  return natural;
}

std::optional<std::size_t> find_feature(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    if (kFeatureSchema[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> feature_names() {
  std::vector<std::string> names;
  names.reserve(kFeatureCount);
  for (const FeatureInfo& f : kFeatureSchema) names.emplace_back(f.name);
  return names;
}

}  // namespace nta
