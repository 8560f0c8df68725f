#pragma once
// The JSON documents of `nta assets --json` and `nta assets diff HOST --json` (docs/formats.md,
// "Asset inventory"). Version 1.
#include <cstdint>
#include <string>
#include <vector>

#include "scan/asset_inventory.h"

namespace nta {

inline constexpr int kAssetJsonVersion = 1;

// "2026-11-25T16:33:03Z"; empty for 0 (unknown).
[[nodiscard]] std::string format_unix_time(std::int64_t seconds);

// One document, newline-terminated.
[[nodiscard]] std::string assets_to_json(const std::vector<ScannedHost>& hosts, const std::vector<ScanRecord>& scans,
                                         const std::string& database, std::int64_t schema_version);
[[nodiscard]] std::string host_history_to_json(const HostHistory& history);

}  // namespace nta
