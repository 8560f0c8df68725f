#pragma once
// What the HTML report shows, as plain data: numbers and already formatted text (addresses,
// times). The pipeline fills it (pipeline/report_stage.h); this module knows nothing of packets,
// flows or detectors, so the report can be rendered and tested from hand-made input.
//
// Strings here may come from the wire (DNS names, HTTP hosts, user agents, SNI, alert summaries and
// evidence): the renderer escapes every one of them for the context it lands in.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nta {

// Severity index used throughout: 0 low, 1 medium, 2 high, 3 critical.
inline constexpr std::size_t kReportSeverities = 4;

struct ReportCount {  // one row of a ranked table: a label with packets and bytes
  std::string label;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

struct ReportTalker {
  std::string address;
  std::uint64_t sent_packets = 0, sent_bytes = 0, received_packets = 0, received_bytes = 0;
};

struct ReportConversation {
  std::string a, b;
  std::uint64_t a_to_b_bytes = 0, b_to_a_bytes = 0, packets = 0;
};

struct ReportThroughput {
  std::int64_t start_seconds = 0;   // Unix time of the first bucket
  std::int64_t bucket_seconds = 1;  // width of each bucket
  std::vector<double> bytes;        // per bucket
  std::vector<double> packets;      // per bucket
};

struct ReportAlert {
  std::int64_t ts_ns = 0;
  std::string time;  // formatted ts
  int severity = 1;  // 0..3
  std::string detector;
  std::string mitre;
  std::string src, dest;
  std::string summary;
  std::string evidence;  // "key=value; ..." (wire text possible)
  std::uint32_t repeats = 0;
};

struct ReportAlertGroup {  // every alert kept, by detector and severity
  std::string detector;
  std::array<std::uint64_t, kReportSeverities> by_severity{};
};

struct ReportThreat {
  std::string host;
  double score = 0;
  std::string roles;
  std::uint32_t alerts = 0;
  std::array<std::uint32_t, kReportSeverities> by_severity{};
  std::vector<std::string> reasons;
};

struct ReportAnomalousFlow {
  double score = 0;
  std::string uid, orig, resp, proto, service;
  std::vector<std::string> explanation;  // "feature = value (weight %)", largest share first
};

struct ReportNameCount {  // a name seen on the wire and in how many flows
  std::string name;
  std::uint64_t flows = 0;
};

struct ReportNames {
  std::string title;  // "DNS queries", "HTTP hosts", ...
  std::vector<ReportNameCount> top;
  std::uint64_t distinct = 0;  // distinct names counted (capped: see `capped`)
  bool capped = false;         // more distinct names were seen than counted
};

struct ReportInput {
  // Overview.
  std::string title = "nta traffic report";
  std::vector<std::string> inputs;  // capture files or the interface
  std::string generated_by;         // "nta analyze" and its version line
  std::string first_time, last_time;
  double duration_seconds = 0;
  std::uint64_t packets = 0, bytes = 0, flows = 0, hosts = 0;
  std::string input_error;  // the input failed partway: the report covers what came before
  bool interrupted = false;

  std::vector<ReportCount> protocols;
  ReportThroughput throughput;
  std::vector<ReportCount> packet_sizes;  // by size bucket, in order
  std::vector<ReportTalker> talkers;      // by bytes, largest first
  std::vector<ReportCount> ports;         // destination ports, "tcp/443 (https)"
  std::vector<ReportConversation> conversations;
  std::vector<ReportNames> names;         // names seen on the wire (application layer)

  // Detection.
  bool detection = false;
  std::uint64_t alerts_raised = 0;        // every alert raised (the alert file's count)
  std::uint64_t alerts_not_kept = 0;      // raised past the in-memory cap: counted, not listed
  std::array<std::uint64_t, kReportSeverities> alerts_by_severity{};  // over the kept alerts
  std::vector<ReportAlertGroup> alert_groups;
  std::vector<ReportAlert> alerts;        // every kept alert, in time order
  std::vector<ReportThreat> threats;      // highest first

  // Anomaly scores (a model was given).
  bool anomaly = false;
  std::string model;
  double threshold = 0;
  std::uint64_t flows_scored = 0, flows_flagged = 0;
  std::vector<std::uint64_t> score_histogram;  // equal bins over [0, 1]
  std::vector<ReportAnomalousFlow> anomalous_flows;
};

struct ReportLimits {
  std::size_t alert_rows = 1000;   // alert table rows (most severe first, then earliest)
  std::size_t threat_rows = 100;   // threat-score rows
  std::size_t timeline_bins = 60;  // alert timeline bars
  std::size_t throughput_points = 720;  // throughput series points (buckets are merged beyond)
};

}  // namespace nta
