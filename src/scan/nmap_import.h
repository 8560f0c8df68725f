#pragma once
// One nmap XML file into the inventory: read, hash (the same file is imported once), parse,
// import in one transaction.
#include <filesystem>
#include <optional>
#include <vector>

#include "scan/asset_inventory.h"
#include "scan/nmap_xml.h"

namespace nta {

struct FileImport {
  NmapScan scan;
  ImportResult result;
};

// `targets`: what the scan was run on, when known (nta scan); else read from nmap's command line.
[[nodiscard]] FileImport import_nmap_file(AssetInventory& inventory, const std::filesystem::path& path,
                                          std::optional<std::vector<ScanTarget>> targets = std::nullopt);

}  // namespace nta
