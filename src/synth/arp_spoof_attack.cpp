#include "synth/arp_spoof_attack.h"

#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "synth/frame_builder.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;

class ArpSpoof final : public Session {
 public:
  explicit ArpSpoof(const AttackSetup& setup)
      : attacker_(*setup.attacker), end_ns_(setup.start_ns + setup.duration_ns) {
    targets_.push_back(setup.victim);
    for (Host* h : setup.more_victims) targets_.push_back(h);
    // Short runs poison faster, so that a run of any length holds a few rounds.
    interval_ = std::clamp(setup.duration_ns / 8, 200 * kMs, kArpSpoofInterval);
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    const Network& net = ctx.network;
    if (next_ == 0) {
      next_ = 1;
      if (round_ % 5 == 0) {
        // Gratuitous form: sender and target address both the gateway's, to everyone.
        const EthernetSpec eth{.src = attacker_.mac, .dst = kBroadcastMac, .vlan = attacker_.vlan};
        const std::size_t size = ctx.frames.arp(eth, ArpOp::kReply, attacker_.mac, net.gateway_ipv4(),
                                                kBroadcastMac, net.gateway_ipv4());
        return {size, now_ns + rng.between(1 * kMs, 5 * kMs)};
      }
    }
    const Host& target = *targets_[next_ - 1];
    const EthernetSpec eth{.src = attacker_.mac, .dst = target.mac, .vlan = attacker_.vlan};
    const std::size_t size =
        ctx.frames.arp(eth, ArpOp::kReply, attacker_.mac, net.gateway_ipv4(), target.mac, target.ipv4);
    if (next_ < targets_.size()) {
      ++next_;
      return {size, now_ns + rng.between(1 * kMs, 5 * kMs)};
    }
    next_ = 0;
    ++round_;
    const std::int64_t next = now_ns + interval_ + rng.between(0, 20 * kMs);
    if (next >= end_ns_) return {size, kNever};
    return {size, next};
  }

 private:
  Host& attacker_;
  std::int64_t end_ns_;
  std::int64_t interval_;
  std::vector<Host*> targets_;
  std::size_t next_ = 0;  // 0: the round's first frame; i: reply to targets_[i - 1]
  int round_ = 0;
};

}  // namespace

AttackScenario make_arp_spoof(const AttackSetup& setup, Rng&) {
  AttackScenario s;
  s.session = std::make_unique<ArpSpoof>(setup);
  s.detail = fmt::format("poisons {} hosts for {:.1f} s", 1 + setup.more_victims.size(),
                         static_cast<double>(setup.duration_ns) / 1e9);
  s.attackers = {setup.attacker->ipv4};
  s.victims = {setup.network->gateway_ipv4(), setup.victim->ipv4};
  for (const Host* h : setup.more_victims) s.victims.push_back(h->ipv4);
  return s;
}

}  // namespace nta
