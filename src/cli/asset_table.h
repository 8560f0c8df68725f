#pragma once
// The asset inventory as terminal text (`nta assets`, `nta scan`, `nta assets diff`). Every string
// from a scan file is escaped for the terminal (app/text_escape.h) before it is printed.
#include <string>
#include <vector>

#include "scan/asset_inventory.h"

namespace nta::cli {

// A hosts table, then a table of the open ports with their services and risks.
[[nodiscard]] std::string render_assets(const std::vector<ScannedHost>& hosts);
[[nodiscard]] std::string render_host_history(const HostHistory& history);

}  // namespace nta::cli
