#pragma once
// Beaconing: an infected LAN host calls its command-and-control server (one outside address, port
// 443) at a fixed period with ±10 % jitter, each callback a short TLS connection with a request
// and a small answer of nearly constant size. The period fits the run: the time left after the
// first callback divided by 11, within 1..60 s, so a run of any length holds at least 10 beacons.
#include <cstdint>

#include "synth/attack_session.h"

namespace nta {

inline constexpr double kBeaconJitter = 0.10;

// The period for callbacks from start_ns to the end of the capture at run_end_ns.
[[nodiscard]] std::int64_t beacon_period(std::int64_t start_ns, std::int64_t run_end_ns) noexcept;

AttackScenario make_beaconing(const AttackSetup& setup, Rng& rng);

}  // namespace nta
