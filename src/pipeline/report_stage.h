#pragma once
// The adapter between `nta analyze` and the HTML report (report/html_report.h): collects what the
// report needs beyond the end-of-run results (names seen on the wire, per finished flow) and turns
// the results into the report's plain ReportInput.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/app_info.h"
#include "detect/detection_engine.h"
#include "report/report_input.h"

namespace nta {

struct AnalyzeConfig;
struct AnalyzeResult;

// Names seen on the wire, counted once per finished flow: DNS questions, HTTP hosts and user
// agents, TLS server names. Each kind keeps at most kMaxNames distinct names; later new names are
// counted as "not kept" only, so hostile traffic cannot grow it without bound.
class WireNameCounter {
 public:
  static constexpr std::size_t kMaxNames = 50'000;
  static constexpr std::size_t kKinds = 4;

  void add(const AppInfo& info);
  [[nodiscard]] std::vector<ReportNames> top(std::size_t n) const;

 private:
  struct Kind {
    std::unordered_map<std::string, std::uint64_t> counts;
    bool capped = false;
  };
  void count(std::size_t kind, const std::string& name);

  Kind kinds_[kKinds];
};

// The report's data from the results of run_analyze_job. `engine` (null when detection did not
// run) gives the kept alerts and threat scores.
[[nodiscard]] ReportInput make_report_input(const AnalyzeConfig& config, const AnalyzeResult& result,
                                            const DetectionEngine* engine, const WireNameCounter& names);

}  // namespace nta
