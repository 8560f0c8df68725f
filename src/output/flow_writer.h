#pragma once
// Flow records out: CSV (one header line) or JSON lines, chosen by the file's extension
// (".jsonl"/".json"/".ndjson" -> JSON lines, anything else -> CSV). Field names follow Zeek's
// conn.log, plus community_id and the application-layer fields, and with a model the anomaly
// score, flag and explanation; docs/formats.md lists them all.
#include <cstdint>
#include <string>

#include "app/app_info.h"
#include "app/app_state.h"
#include "flow/flow_record.h"
#include "ml/anomaly_verdict.h"
#include "output/buffered_writer.h"

namespace nta {

enum class FlowFormat : std::uint8_t { kCsv, kJsonLines };

// The format a path's extension asks for.
FlowFormat flow_format_for(const std::string& path) noexcept;

class FlowWriter {
 public:
  // `anomaly_fields`: the CSV gets the anomaly columns (JSON lines carry them whenever a verdict is given).
  FlowWriter(const std::string& path, FlowFormat format, bool anomaly_fields = false);

  // `app` may be null (nothing found in the payloads); `state` carries the service; `verdict` is the
  // flow's anomaly verdict, null without a model.
  void write(const FlowRecord& r, const AppState& state, const AppInfo* app, const AnomalyVerdict* verdict = nullptr);
  void flush() { out_.flush(); }
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] const std::string& path() const noexcept { return out_.path(); }

 private:
  void write_csv(const FlowRecord& r, const AppState& state, const AppInfo* app);
  void write_json(const FlowRecord& r, const AppState& state, const AppInfo* app);
  void write_csv_anomaly(const AnomalyVerdict* verdict);
  void write_json_anomaly(const AnomalyVerdict& verdict);

  BufferedWriter out_;
  FlowFormat format_;
  bool anomaly_fields_ = false;
  std::uint64_t rows_ = 0;
  std::string line_;  // reused for every row
};

// Zeek's transport name for the flow: "tcp", "udp", "icmp" (ICMPv6 too, as Zeek logs it), "sctp",
// else the lowercase IANA keyword ("gre", "esp") or "ip-<n>".
std::string flow_proto_name(std::uint8_t ip_proto);
// "TLSv12", "TLSv13", "SSLv3", ... as Zeek's ssl.log writes versions; "" for 0.
std::string tls_version_name(std::uint16_t version);

}  // namespace nta
