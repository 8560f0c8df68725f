#pragma once
// Puts attacks into a synthetic capture: chooses who attacks whom (LAN hosts, invented outside
// addresses) and when (spread over the run, deterministic under the seed), hands the scenarios to
// the generator, and afterwards writes the ground truth: one CSV line per attack with the
// addresses and the times of its first and last packet.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "synth/attack_kind.h"
#include "synth/attack_session.h"
#include "synth/traffic_generator.h"

namespace nta {

struct AttackOptions {
  std::vector<AttackKind> kinds;
  // Seconds from the capture's start to the first attack; unset: 5 % of the run, at most 3 s.
  std::optional<double> start_seconds;
};

struct PlannedAttack {
  AttackKind kind = AttackKind::kPortScanSyn;
  std::vector<IpAddress> attackers;
  std::vector<IpAddress> victims;
  bool spoofed_sources = false;
  std::int64_t planned_start_ns = 0;
  std::string detail;
  std::shared_ptr<AttackStream> stream;  // its tally fills in as the generator runs

  [[nodiscard]] const AttackTally& tally() const noexcept { return stream->tally; }
};

inline constexpr std::string_view kTruthHeader = "attack,detector,attackers,victims,start,end";

class AttackPlan {
 public:
  // Adds the attacks' sessions to `generator`, which must not have produced packets yet. Throws
  // nta::Error (kUsage) when the LAN has fewer than 2 untagged hosts or the start is outside the run.
  AttackPlan(TrafficGenerator& generator, const AttackOptions& options);

  [[nodiscard]] std::span<const PlannedAttack> attacks() const noexcept { return attacks_; }

  // The ground truth so far: the header, then one line per attack that put packets on the wire,
  // in the order of their first packets.
  [[nodiscard]] std::string truth_csv() const;
  // Writes truth_csv() to `path`; throws nta::Error (kIo) when it cannot.
  void write_truth(const std::string& path) const;

 private:
  std::vector<PlannedAttack> attacks_;
};

// Where the ground truth goes by default: the capture's name with its extension replaced by
// ".truth.csv" ("out/run.pcap" -> "out/run.truth.csv").
[[nodiscard]] std::string default_truth_path(std::string_view capture_path);

// A header-only ground truth, for runs without attacks.
void write_empty_truth(const std::string& path);

}  // namespace nta
