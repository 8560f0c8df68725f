#include "detect/arp_spoof.h"

#include <fmt/core.h>

namespace nta {
namespace {

bool usable_mac(const std::array<std::uint8_t, 6>& m) noexcept {
  bool zero = true;
  bool ones = true;
  for (const std::uint8_t b : m) {
    zero = zero && b == 0;
    ones = ones && b == 0xff;
  }
  return !zero && !ones && (m[0] & 1) == 0;  // not a group address either
}

bool usable_ip(const IpAddress& a) noexcept {
  if (a.family != IpFamily::kV4) return false;
  return (a.bytes[0] | a.bytes[1] | a.bytes[2] | a.bytes[3]) != 0;
}

}  // namespace

ArpSpoofDetector::ArpSpoofDetector(const ArpSpoofRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules),
      binding_ns_(to_ns(rules.binding_seconds)),
      window_ns_(to_ns(rules.window_seconds)),
      wait_ns_(to_ns(rules.request_wait_seconds)),
      log_(log),
      bindings_(max_tracked),
      requests_(max_tracked),
      stations_(max_tracked),
      requesters_(max_tracked) {}

ArpSpoofDetector::MacKey ArpSpoofDetector::mac_key(const Mac& mac) noexcept {
  MacKey k;
  for (std::size_t i = 0; i < 6; ++i) k.w[0] |= std::uint64_t{mac[i]} << (8 * i);
  return k;
}

IpAddress ArpSpoofDetector::own_address(const Mac& mac) noexcept {
  const Requester* r = requesters_.find(mac_key(mac));
  return r != nullptr ? r->ip : IpAddress{};
}

void ArpSpoofDetector::on_arp(const PacketView& p) {
  const std::int64_t now = p.ts.ns;
  const Mac& sender_mac = p.arp_sender_mac;
  if (!usable_mac(sender_mac)) return;
  const bool gratuitous = usable_ip(p.src_ip) && same_address(p.src_ip, p.dst_ip);
  bool created = false;
  if (p.arp_op == 1) {
    if (usable_ip(p.dst_ip) && !gratuitous) {
      requests_.upsert(host_key(p.dst_ip), created).last_ns = now;
      if (usable_ip(p.src_ip)) requesters_.upsert(mac_key(sender_mac), created).ip = p.src_ip;
    }
    // A request also tells the requester's own binding (unless it is a probe from 0.0.0.0).
    if (usable_ip(p.src_ip)) claim(p.src_ip, sender_mac, p, gratuitous);
    return;
  }
  if (p.arp_op != 2 || !usable_ip(p.src_ip)) return;
  // The target fields name the requester this reply goes to: learn its binding if unknown.
  if (usable_ip(p.dst_ip) && usable_mac(p.arp_target_mac) && !gratuitous) {
    Binding& b = bindings_.upsert(host_key(p.dst_ip), created);
    if (created) {
      b.mac = p.arp_target_mac;
      b.first_ns = b.last_ns = now;
    }
  }
  claim(p.src_ip, sender_mac, p, gratuitous);

  const Request* asked = requests_.find(host_key(p.src_ip));
  const bool solicited = asked != nullptr && now - asked->last_ns <= wait_ns_ && now >= asked->last_ns;
  Station& st = stations_.upsert(mac_key(sender_mac), created);
  roll_window(st, now, window_ns_);
  ++st.replies;
  if (solicited) return;
  ++st.unsolicited;
  st.last_claim = p.src_ip;
  st.last_target = p.dst_ip;
  if (st.unsolicited < rules_.min_unsolicited_replies) return;
  log_.report(st.throttle, st.fired, now, Severity::kMedium, [&] {
    Alert a;
    a.ts.ns = now;
    a.detector = DetectorId::kArpSpoof;
    a.severity = Severity::kMedium;
    a.mitre = "T1557.002";
    a.src_mac = format_mac(sender_mac);
    a.src = own_address(sender_mac);
    a.dest = st.last_claim;
    a.first_seen.ns = st.window.start_ns;
    a.last_seen.ns = now;
    a.summary = fmt::format("unsolicited ARP replies from {}: {} replies nobody asked for in {:.0f} s, latest "
                            "claiming {}",
                            a.src_mac, count_text(st.unsolicited), st.window.seconds(now), to_string(st.last_claim));
    a.add("attacker_mac", a.src_mac);
    if (!a.src.empty()) a.add("attacker_ip", to_string(a.src));
    a.add("unsolicited_replies", st.unsolicited);
    a.add("replies", st.replies);
    a.add("claimed_ip", to_string(st.last_claim));
    a.add("poisoned_host", to_string(st.last_target));
    return a;
  });
}

void ArpSpoofDetector::claim(const IpAddress& ip, const Mac& mac, const PacketView& p, bool gratuitous) {
  const std::int64_t now = p.ts.ns;
  bool created = false;
  Binding& b = bindings_.upsert(host_key(ip), created);
  if (created || b.mac == mac || now - b.last_ns > binding_ns_) {
    if (!created && b.mac != mac) {  // the old binding went stale: the address moved
      b.first_ns = now;
      b.rival_claims = 0;
    }
    if (created) b.first_ns = now;
    b.mac = mac;
    b.last_ns = now;
    return;
  }
  // A current binding, claimed by another MAC. The binding stays with the first MAC: the
  // claimant is the suspect until the old binding goes stale.
  b.rival = mac;
  ++b.rival_claims;
  const Mac previous = b.mac;
  const std::int64_t age = now - b.last_ns;
  log_.report(b.throttle, b.fired, now, Severity::kHigh, [&] {
    Alert a;
    a.ts.ns = now;
    a.detector = DetectorId::kArpSpoof;
    a.severity = Severity::kHigh;
    a.mitre = "T1557.002";
    a.src_mac = format_mac(mac);
    a.src = own_address(mac);
    a.dest = ip;
    a.first_seen.ns = now;
    a.last_seen.ns = now;
    a.summary = fmt::format("ARP spoofing: {} claimed by {}, bound to {} {:.1f} s before", to_string(ip), a.src_mac,
                            format_mac(previous), static_cast<double>(age) / 1e9);
    a.add("attacker_mac", a.src_mac);
    if (!a.src.empty()) a.add("attacker_ip", to_string(a.src));
    a.add("claimed_ip", to_string(ip));
    a.add("previous_mac", format_mac(previous));
    a.add("claims", b.rival_claims);
    a.add("arp_op", std::string(p.arp_op == 1 ? "request" : "reply"));
    a.add("gratuitous", std::string(gratuitous ? "yes" : "no"));
    if (p.arp_op == 2 && usable_ip(p.dst_ip)) a.add("poisoned_host", to_string(p.dst_ip));
    return a;
  });
}

}  // namespace nta

