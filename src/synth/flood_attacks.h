#pragma once
// Floods against one LAN host: SYN floods from one source (hping3-like, the source's kernel kept
// from resetting) and from random spoofed sources, a UDP flood and an ICMP echo flood, each at
// thousands of packets a second for setup.duration_ns. The victim answers as a stack does: SYN-ACKs
// (retransmitted after 1 and 3 s) until its backlog of half-open connections is full, then
// nothing; ICMP port unreachable rate-limited like Linux (a burst of 6, then one a second); an
// echo reply to every echo request.
#include "synth/attack_session.h"

namespace nta {

inline constexpr int kSynBacklog = 256;           // half-open connections the victim keeps
inline constexpr int kSynFloodPerSecond = 5000;   // about, for both SYN floods
inline constexpr int kUdpFloodPerSecond = 4000;   // about
inline constexpr int kIcmpFloodPerSecond = 4000;  // about

// kSynFlood, kSynFloodSpoofed, kUdpFlood, kIcmpFlood: setup.attacker floods setup.victim.
AttackScenario make_flood(const AttackSetup& setup, Rng& rng);

}  // namespace nta
