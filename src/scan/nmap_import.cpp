#include "scan/nmap_import.h"

#include "core/sha1.h"

namespace nta {

FileImport import_nmap_file(AssetInventory& inventory, const std::filesystem::path& path,
                            std::optional<std::vector<ScanTarget>> targets) {
  FileImport out;
  std::string bytes;
  out.scan = load_nmap_xml(path, &bytes);
  ImportSource source;
  source.path = path.string();
  const auto hex = to_hex(Sha1::digest(bytes));
  source.sha1_hex.assign(hex.data(), hex.size());
  source.targets = std::move(targets);
  out.result = inventory.import_scan(out.scan, source);
  return out;
}

}  // namespace nta
