#pragma once
// Several capture files read as one stream in timestamp order (a k-way merge): `nta analyze`
// and `nta stats` treat the files of one link, split by a rotating capture, as one capture.
#include <memory>
#include <string>
#include <vector>

#include "capture/packet_source.h"

namespace nta {

// Opens every file up front (so a missing one fails before any work) and merges them.
// Ties go to the file given first, so the order is deterministic.
std::unique_ptr<PacketSource> open_merged(const std::vector<std::string>& paths);

}  // namespace nta
