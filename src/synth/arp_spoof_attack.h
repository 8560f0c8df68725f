#pragma once
// ARP spoofing (arpspoof/ettercap style): a LAN host announces the gateway's IPv4 address with its
// own MAC, a gratuitous broadcast reply at the start and every ten seconds, and unsolicited
// replies to each poisoned host every two seconds, until setup.duration_ns is over.
#include "synth/attack_session.h"

namespace nta {

inline constexpr std::int64_t kArpSpoofInterval = 2'000'000'000;  // per poisoned host, at most

AttackScenario make_arp_spoof(const AttackSetup& setup, Rng& rng);

}  // namespace nta
