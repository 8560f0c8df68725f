#pragma once
// The end-of-run detection tables on the terminal: "Alerts" (the most severe first, capped, with a
// count of the rest) and "Top threat hosts" (score, host, roles, reasons). Every cell is printable
// ASCII: wire text is escaped where it is read, and anything else is escaped here.
#include <cstddef>
#include <string>
#include <vector>

#include "detect/alert.h"
#include "detect/alert_log.h"
#include "detect/threat_scorer.h"
#include "output/buffered_writer.h"

namespace nta {

struct AlertTableContext {
  std::size_t max_alert_rows = 20;
  std::size_t max_hosts = 10;
  std::string alerts_path;  // named under the table when some rows were left out
  AlertCounters counters;
  std::uint64_t evictions = 0;  // state keys evicted, all detectors
};

void print_alerts(BufferedWriter& out, const std::vector<Alert>& alerts, const std::vector<HostThreat>& hosts,
                  const AlertTableContext& ctx);

// The cell text of one alert's "src -> dst" column.
[[nodiscard]] std::string alert_endpoints(const Alert& a);

}  // namespace nta
