#pragma once
// What every attack scenario shares: how it is set up (who attacks whom, when, for how long), what
// it hands back (its first session and the addresses the ground truth names), and the wrapper
// that gives all of an attack's sessions their own random stream and counts their packets.
//
// Attacks draw from their own stream, never the benign one, and keep their own port and IP-id
// counters, so adding an attack adds packets without changing a single benign one.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "synth/attack_kind.h"
#include "synth/network.h"
#include "synth/rng.h"
#include "synth/session.h"

namespace nta {

namespace attack_time {
inline constexpr std::int64_t kUs = 1000;
inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kSec = 1'000'000'000;
}  // namespace attack_time

// The packets an attack put on the wire: the attacker's, the victims' answers, everything.
struct AttackTally {
  std::int64_t first_ns = -1;
  std::int64_t last_ns = -1;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

// One attack's random stream and tally, shared by all its sessions.
struct AttackStream {
  explicit AttackStream(std::uint64_t seed) : rng(seed) {}
  Rng rng;
  AttackTally tally;
};

// Wraps `session` so it steps with the stream's Rng, counts into the stream's tally, and passes
// both on to the sessions it spawns.
std::unique_ptr<Session> attach_stream(std::shared_ptr<AttackStream> stream,
                                       std::unique_ptr<Session> session);

struct AttackSetup {
  AttackKind kind = AttackKind::kPortScanSyn;
  std::int64_t start_ns = 0;     // the first packet
  std::int64_t duration_ns = 0;  // active time for attacks that last (floods, guessing, tunnels)
  std::int64_t run_end_ns = 0;   // the capture ends here
  std::uint64_t site_seed = 0;   // what the invented parts of the site (the server subnet) hang on
  double volume = 1.0;           // bytes and counts relative to a 60-second run (exfiltration)
  Network* network = nullptr;
  Host* attacker = nullptr;         // the LAN host attacking (or infected)
  Host* victim = nullptr;           // the LAN host attacked
  std::vector<Host*> more_victims;  // further LAN hosts (ARP spoofing poisons several)
  IpAddress outside{};              // the outside party: attacker, C2 server or drop site
};

struct AttackScenario {
  std::unique_ptr<Session> session;  // due at AttackSetup::start_ns
  std::vector<IpAddress> attackers;
  std::vector<IpAddress> victims;
  bool spoofed_sources = false;  // the sources are forged: the ground truth says "spoofed"
  std::string detail;            // one line for the command's summary: port, rate, period, ...
};

// ---- small helpers the scenarios share ---------------------------------------------------------

// How long after a packet reaches a LAN host its answer shows at the capture point: the stack's
// turnaround plus two hops of a switched LAN.
[[nodiscard]] inline std::int64_t lan_turn(Rng& rng) noexcept {
  return rng.between(60 * attack_time::kUs, 320 * attack_time::kUs);
}

// A random unicast IPv4 address outside the private, loopback, link-local, shared, multicast and
// reserved ranges: what spoofing tools draw sources from.
[[nodiscard]] IpAddress random_public_ipv4(Rng& rng) noexcept;

[[nodiscard]] IpAddress ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept;

// An ephemeral port counter of the attacker's own, in its OS's range, starting at a random place.
class PortCounter {
 public:
  PortCounter(const Host& host, Rng& rng) noexcept;
  std::uint16_t next() noexcept;

 private:
  std::uint16_t lo_;
  std::uint16_t hi_;
  std::uint16_t next_;
};

}  // namespace nta
