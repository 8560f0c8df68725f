#pragma once
// The feature matrix as CSV (`nta analyze --features FILE`): one header line, then one row per
// finished flow: the flow's identity (uid, ts, endpoints, proto) and one column per feature of the
// schema, in schema order, as the model sees them (log1p where the schema says so). Numbers are the
// shortest text that reads back to the same double. docs/formats.md lists the columns.
#include <cstdint>
#include <span>
#include <string>

#include "flow/flow_record.h"
#include "output/buffered_writer.h"

namespace nta {

class FeatureCsvWriter {
 public:
  explicit FeatureCsvWriter(const std::string& path);

  // `row` holds kFeatureCount values.
  void write(const FlowRecord& r, std::span<const double> row);
  void flush() { out_.flush(); }
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] const std::string& path() const noexcept { return out_.path(); }

 private:
  BufferedWriter out_;
  std::uint64_t rows_ = 0;
};

// The header line (with its newline).
[[nodiscard]] std::string feature_csv_header();

}  // namespace nta
