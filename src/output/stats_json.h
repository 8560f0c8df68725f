#pragma once
// `nta stats --json`: the statistics as one JSON document with stable field names
// (docs/formats.md, "Statistics"). nlohmann-json stays private to this file.
#include <string>

#include "output/stats_printer.h"
#include "stats/traffic_stats.h"

namespace nta {

// Bumped when a field changes meaning or goes away (new fields do not bump it).
inline constexpr int kStatsJsonVersion = 1;

// The document, pretty-printed (2-space indent) and newline-terminated.
std::string stats_json(const TrafficStats& stats, const StatsContext& ctx);

}  // namespace nta
