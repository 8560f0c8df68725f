#pragma once
// Data exfiltration: a LAN host uploads a large file to an outside address over one TLS
// connection on port 443 (ClientHello with a server name, the server's flight, then the upload
// as full 16 KB application-data records at the uplink's rate, the server's short answer, close).
// The server acknowledges every second segment a round trip later.
#include <cstdint>

#include "synth/attack_session.h"

namespace nta {

// Bytes uploaded in a 60-second run; AttackSetup::volume scales it.
inline constexpr std::uint64_t kExfiltrationBytes = 20'000'000;

AttackScenario make_exfiltration(const AttackSetup& setup, Rng& rng);

}  // namespace nta
