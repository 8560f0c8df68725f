#pragma once
// The attacks `nta synth --attack` can add to the benign traffic: their stable ids, the nta
// detector each should set off, and the parsing of a comma-separated list of ids.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nta {

enum class AttackKind : std::uint8_t {
  kPortScanSyn,
  kPortScanConnect,
  kPortScanFin,
  kPortScanXmas,
  kPortScanNull,
  kPortScanUdp,
  kHorizontalScan,
  kPingSweep,
  kSynFlood,
  kSynFloodSpoofed,
  kUdpFlood,
  kIcmpFlood,
  kBruteForceSsh,
  kBruteForceFtp,
  kBruteForceRdp,
  kDnsTunnel,
  kArpSpoof,
  kExfiltration,
  kBeaconing,
};

struct AttackKindInfo {
  AttackKind kind;
  std::string_view id;        // as written on the command line and in the ground truth
  std::string_view detector;  // the nta detector id that should fire on it
  std::string_view summary;   // one line for --attack help
};

// Every kind, in the order above (which is also the order of `--attack all`).
[[nodiscard]] std::span<const AttackKindInfo> attack_kinds() noexcept;
[[nodiscard]] const AttackKindInfo& attack_info(AttackKind kind) noexcept;
[[nodiscard]] std::optional<AttackKind> find_attack_kind(std::string_view id) noexcept;

// "port_scan_syn,dns_tunnel" or "all": the kinds in the canonical order, each once. Throws
// nta::Error (kUsage) naming the unknown id and listing the known ones.
[[nodiscard]] std::vector<AttackKind> parse_attack_kinds(std::string_view list);

// The table `--attack help` prints: id, detector and summary of each kind.
[[nodiscard]] std::string attack_kinds_help();

}  // namespace nta
