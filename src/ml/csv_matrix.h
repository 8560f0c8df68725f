#pragma once
// A numeric CSV for `nta iforest`: a header row of column names, then one row of numbers per line,
// optionally with a 0/1 label column that is kept apart from the features.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ml/matrix.h"

namespace nta {

struct CsvMatrix {
  Matrix features;                   // every column except the label
  std::vector<std::string> names;    // the feature columns' names, in order
  std::vector<std::uint8_t> labels;  // one per row when a label column was read, else empty
  std::string label_name;            // the label column's name, or empty
};

// Parses CSV text. `label_column`: the label column's name; empty for none. A label value must be 0 or 1.
// Throws nta::Error(kInput) naming the source, line and column for an empty file, a ragged row, a
// non-numeric, NaN or infinite cell, a bad label; nta::Error(kUsage) when `label_column` is not a column.
[[nodiscard]] CsvMatrix parse_numeric_csv(std::string_view text, std::string_view label_column,
                                          std::string_view source_name);

// Reads a whole file and parses it; throws nta::Error(kIo) when it cannot be read.
[[nodiscard]] CsvMatrix read_numeric_csv(const std::string& path, std::string_view label_column);

// The header's column names (for choosing a default label column before parsing).
[[nodiscard]] std::vector<std::string> read_csv_header(const std::string& path);

}  // namespace nta
