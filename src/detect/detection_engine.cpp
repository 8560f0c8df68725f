#include "detect/detection_engine.h"

#include <algorithm>

#include "detect/network_set.h"
#include "ml/anomaly_verdict.h"

namespace nta {
namespace {

bool icmp_discovery_request(std::uint8_t proto, std::uint8_t type) noexcept {
  if (proto == ipproto::kIcmp) return type == 8 || type == 13 || type == 15 || type == 17;  // echo, timestamp, info, mask
  return type == 128;                                                                        // ICMPv6 echo request
}

bool icmp_echo_request(std::uint8_t proto, std::uint8_t type) noexcept {
  return proto == ipproto::kIcmp ? type == 8 : type == 128;
}

// Error messages answer someone else's packets (a UDP scan's port unreachables flow back to the
// scanner at its own rate): they are not counted as a flood of the host they go to.
bool icmp_error(std::uint8_t proto, std::uint8_t type) noexcept {
  if (proto == ipproto::kIcmp) return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
  return type < 128;  // ICMPv6: 1-127 are errors
}

constexpr std::int64_t kMaxSparseNsPerPacket = 1'000'000'000'000;  // keeps packets * this far from overflow

}  // namespace

DetectionEngine::DetectionEngine(const RulesConfig& rules, const AssetContext* assets)
    : rules_(rules), log_(rules.global), scorer_(rules.global, assets), open_services_(rules.global.max_tracked) {
  const std::size_t cap = rules.global.max_tracked;
  if (rules.port_scan.enabled) port_scan_.emplace(rules.port_scan, cap, log_);
  if (rules.horizontal_scan.enabled) horizontal_scan_.emplace(rules.horizontal_scan, cap, log_);
  if (rules.ping_sweep.enabled) ping_sweep_.emplace(rules.ping_sweep, cap, log_);
  if (rules.syn_flood.enabled) syn_flood_.emplace(rules.syn_flood, cap, log_);
  if (rules.udp_flood.enabled) udp_flood_.emplace(rules.udp_flood, cap, log_);
  if (rules.icmp_flood.enabled) icmp_flood_.emplace(rules.icmp_flood, cap, log_);
  if (rules.brute_force.enabled) brute_force_.emplace(rules.brute_force, cap, log_);
  if (rules.dns_tunnel.enabled) dns_tunnel_.emplace(rules.dns_tunnel, cap, log_);
  if (rules.arp_spoof.enabled) arp_spoof_.emplace(rules.arp_spoof, cap, log_);
  if (rules.exfiltration.enabled) exfiltration_.emplace(rules.exfiltration, rules.global.inside_networks, cap, log_);
  if (rules.beaconing.enabled) beaconing_.emplace(rules.beaconing, cap, log_);
  if (assets != nullptr) {
    log_.set_assets(assets);
    if (rules.unexpected_service.enabled) unexpected_service_.emplace(rules.unexpected_service, *assets, cap, log_);
    if (rules.unknown_host.enabled) unknown_host_.emplace(rules.unknown_host, *assets, cap, log_);
    if (rules.risky_service.enabled) risky_service_.emplace(rules.risky_service, *assets, cap, log_);
  }
  correlate_ = unexpected_service_ || unknown_host_ || risky_service_;
  starts_ = port_scan_ || horizontal_scan_ || ping_sweep_ || brute_force_ || beaconing_;
  syn_ = syn_flood_.has_value();
  udp_ = udp_flood_.has_value();
  icmp_ = icmp_flood_.has_value();
  dns_ = dns_tunnel_.has_value();
  arp_ = arp_spoof_ || ping_sweep_;
  brute_ = brute_force_.has_value();
  sparse_ = beaconing_ && rules.beaconing.sparse_rate > 0;
  if (beaconing_) sparse_ns_per_packet_ = std::min(beaconing_->sparse_ns_per_packet(), kMaxSparseNsPerPacket);
}

std::array<std::uint64_t, kDetectorCount> DetectionEngine::evictions() const noexcept {
  std::array<std::uint64_t, kDetectorCount> e{};
  auto put = [&](DetectorId id, std::uint64_t n) { e[static_cast<std::size_t>(id)] = n; };
  if (port_scan_) put(DetectorId::kPortScan, port_scan_->evictions());
  if (horizontal_scan_) put(DetectorId::kHorizontalScan, horizontal_scan_->evictions());
  if (ping_sweep_) put(DetectorId::kPingSweep, ping_sweep_->evictions());
  if (syn_flood_) put(DetectorId::kSynFlood, syn_flood_->evictions());
  if (udp_flood_) put(DetectorId::kUdpFlood, udp_flood_->evictions());
  if (icmp_flood_) put(DetectorId::kIcmpFlood, icmp_flood_->evictions());
  if (brute_force_) put(DetectorId::kBruteForce, brute_force_->evictions());
  if (dns_tunnel_) put(DetectorId::kDnsTunnel, dns_tunnel_->evictions());
  if (arp_spoof_) put(DetectorId::kArpSpoof, arp_spoof_->evictions());
  if (exfiltration_) put(DetectorId::kExfiltration, exfiltration_->evictions());
  if (beaconing_) put(DetectorId::kBeaconing, beaconing_->evictions());
  if (unexpected_service_) put(DetectorId::kUnexpectedService, unexpected_service_->evictions());
  if (unknown_host_) put(DetectorId::kUnknownHost, unknown_host_->evictions());
  if (risky_service_) put(DetectorId::kRiskyService, risky_service_->evictions());
  return e;
}

void DetectionEngine::on_event(const PacketView& p, const FlowUpdate& u) {
  if (u.flow == nullptr) {
    if (arp_ && p.net == NetLayer::kArp) on_arp(p);
    return;
  }
  const FlowRecord& f = *u.flow;
  const bool first_reply = !u.created && !u.from_originator && f.resp.packets == 1;
  if (correlate_) {
    if (u.created) {
      if (u.from_originator) correlate_start(p, f);
    } else if (first_reply) {
      correlate_reply(p, f);
    }
  }
  if (starts_) {
    if (u.created) {
      if (u.from_originator) on_flow_start(p, f);
    } else if (first_reply) {
      on_first_reply(p, f);
    }
  }
  if (first_reply && udp_ && f.key.ip_proto == ipproto::kUdp && !f.flipped()) {
    udp_flood_->on_answered(f.key.resp_addr, f.orig.packets, f.orig.ip_bytes);
  }
  switch (p.ip_proto) {
    case ipproto::kTcp: {
      const std::uint8_t flags = p.tcp.flags;
      if ((flags & (tcpflag::kSyn | tcpflag::kAck | tcpflag::kRst)) == tcpflag::kSyn) {
        if (syn_) on_syn(p);
      } else if (syn_ && u.from_originator && (flags & tcpflag::kAck) != 0 && f.orig.ack == 1) {
        on_handshake(f);
      }
      if (p.l4_payload_len != 0) {
        if (brute_ && !u.from_originator && login_reply_port(f.key.resp_port)) on_service_reply(p, f);
        if (dns_ && p.dst_port == 53 && p.has_ports) on_dns(p);
      }
      break;
    }
    case ipproto::kUdp:
      if (udp_ && (u.from_originator ? f.resp.packets : f.orig.packets) == 0) on_udp_one_way(p, f, u.from_originator);
      if (dns_ && p.dst_port == 53 && p.has_ports) on_dns(p);
      break;
    case ipproto::kIcmp:
    case ipproto::kIcmpv6:
      if (icmp_) on_icmp(p, f, u.from_originator);
      break;
    default:
      break;
  }
  if (sparse_ && !u.created && u.from_originator) {
    const std::int64_t age = p.ts.ns - f.first_ts.ns;
    if (age >= kSparseAgeNs && static_cast<std::int64_t>(f.orig.packets) * sparse_ns_per_packet_ <= age) {
      on_sparse(p, f);
    }
  }
}

void DetectionEngine::on_arp(const PacketView& p) {
  if (arp_spoof_) arp_spoof_->on_arp(p);
  if (!ping_sweep_ || p.src_ip.family != IpFamily::kV4) return;
  if (p.arp_op == 1 && !same_address(p.src_ip, p.dst_ip)) {
    ping_sweep_->on_probe(p.src_ip, p.dst_ip, ProbeKind::kArp, p.ts.ns);
  } else if (p.arp_op == 2) {
    ping_sweep_->on_answer(p.dst_ip, p.src_ip);  // the requester (target fields) got its answer
  }
}

void DetectionEngine::on_flow_start(const PacketView& p, const FlowRecord& f) {
  const std::int64_t now = p.ts.ns;
  const IpAddress& src = f.key.orig_addr;
  const IpAddress& dst = f.key.resp_addr;
  if (is_group_address(dst)) return;
  const std::uint8_t proto = f.key.ip_proto;
  if (proto == ipproto::kTcp || proto == ipproto::kUdp) {
    if ((f.flags & FlowRecord::kFlagNoPorts) != 0 || !p.has_ports) return;
    const std::uint16_t port = f.key.resp_port;
    // UDP from a service port to an ephemeral one answers something (often a request sent before
    // the capture began, or a reflected response): not a probe.
    if (proto == ipproto::kUdp && f.key.orig_port < 1024 && port >= 1024) return;
    ProbeKind kind = ProbeKind::kUdp;
    if (proto == ipproto::kTcp) {
      const std::uint8_t flags = p.tcp.flags;
      const std::uint8_t core = flags & (tcpflag::kSyn | tcpflag::kAck | tcpflag::kRst);
      if (core == tcpflag::kSyn) {
        kind = ProbeKind::kSyn;
      } else if (core == 0) {
        kind = ProbeKind::kStealth;
      } else if ((flags & (tcpflag::kSyn | tcpflag::kAck | tcpflag::kRst | tcpflag::kFin)) == tcpflag::kAck &&
                 p.l4_payload_len == 0) {
        if (ping_sweep_) ping_sweep_->on_probe(src, dst, ProbeKind::kAck, now);
        return;
      } else {
        return;  // a conversation seen mid-stream
      }
    }
    if (kind == ProbeKind::kSyn && brute_force_ && brute_force_->watches(port)) {
      brute_force_->on_connection(src, dst, port, now);
    }
    if (kind != ProbeKind::kStealth) {
      const OpenService* known = open_services_.find(host_key(dst, (std::uint64_t{proto} << 16) | port));
      if (known != nullptr && now - known->last_answer_ns < kServiceMemoryNs) return;
    }
    if (port_scan_) port_scan_->on_probe(src, dst, proto, port, kind, now);
    if (horizontal_scan_) horizontal_scan_->on_probe(src, dst, proto, port, now);
    return;
  }
  if ((proto == ipproto::kIcmp || proto == ipproto::kIcmpv6) && ping_sweep_ &&
      icmp_discovery_request(proto, p.icmp.type)) {
    ping_sweep_->on_probe(src, dst, ProbeKind::kIcmpEcho, now);
  }
}

void DetectionEngine::on_first_reply(const PacketView& p, const FlowRecord& f) {
  const std::uint8_t proto = f.key.ip_proto;
  if (beaconing_ && (proto == ipproto::kTcp || proto == ipproto::kUdp) && !f.flipped() &&
      (f.flags & FlowRecord::kFlagNoPorts) == 0 && beaconing_->watches(f.key.resp_port)) {
    beaconing_->on_flow_answered(f);
  }
  bool positive = false;
  if (proto == ipproto::kTcp) {
    if (f.flipped()) return;
    const std::uint8_t flags = p.tcp.flags;
    const bool rst = (flags & tcpflag::kRst) != 0;
    if (f.orig.syn != 0) {
      positive = (flags & (tcpflag::kSyn | tcpflag::kAck)) == (tcpflag::kSyn | tcpflag::kAck);
    } else if (f.orig.ack == 0 && f.orig.rst == 0) {
      positive = !rst;  // a FIN/NULL/Xmas probe answered by anything but a RST
    } else {
      // A bare-ACK flow answered by anything but a RST is a conversation picked up mid-stream.
      if (!rst && ping_sweep_) ping_sweep_->on_answer(f.key.orig_addr, f.key.resp_addr);
      return;
    }
  } else if (proto == ipproto::kUdp) {
    positive = (f.flags & FlowRecord::kFlagNoPorts) == 0;
  }
  if (!positive) return;
  // Probes of a service known open were not counted: only the first answer of a service (or the
  // first after it was forgotten) has counted probes to mark as answered.
  bool created = false;
  OpenService& service = open_services_.upsert(host_key(f.key.resp_addr, (std::uint64_t{proto} << 16) | f.key.resp_port), created);
  const bool was_known = !created && f.first_ts.ns - service.last_answer_ns < kServiceMemoryNs;
  service.last_answer_ns = p.ts.ns;
  if (was_known) return;
  if (port_scan_) port_scan_->on_positive_answer(f.key.orig_addr, f.key.resp_addr, proto, f.key.resp_port);
  if (horizontal_scan_) horizontal_scan_->on_positive_answer(f.key.orig_addr, f.key.resp_addr, proto, f.key.resp_port);
}

void DetectionEngine::correlate_start(const PacketView& p, const FlowRecord& f) {
  if (!risky_service_) return;
  const std::uint8_t proto = f.key.ip_proto;
  if ((proto != ipproto::kTcp && proto != ipproto::kUdp) || (f.flags & FlowRecord::kFlagNoPorts) != 0 || !p.has_ports) {
    return;
  }
  if (is_group_address(f.key.resp_addr)) return;
  // A connection attempt: a bare SYN, or UDP to a service port (not a service's answer to an
  // ephemeral port, which would be a reply whose request came before the capture).
  if (proto == ipproto::kTcp && (p.tcp.flags & (tcpflag::kSyn | tcpflag::kAck | tcpflag::kRst)) != tcpflag::kSyn) return;
  if (proto == ipproto::kUdp && f.key.orig_port < 1024 && f.key.resp_port >= 1024) return;
  risky_service_->on_attempt(f.key.orig_addr, f.key.resp_addr, proto, f.key.resp_port, p.ts.ns);
}

void DetectionEngine::correlate_reply(const PacketView& p, const FlowRecord& f) {
  if (f.flipped()) return;
  const std::uint8_t proto = f.key.ip_proto;
  const bool ports = (f.flags & FlowRecord::kFlagNoPorts) == 0 && p.has_ports;
  // Only a positive answer proves a live host and a listening service; a RST or an ICMP error
  // also comes back for spoofed sources and closed ports.
  bool listener = false;  // the responder answered as a service
  bool positive = false;  // the responder answered at all, as a live host
  if (proto == ipproto::kTcp) {
    const std::uint8_t flags = p.tcp.flags;
    if ((flags & tcpflag::kRst) != 0) return;
    positive = true;
    listener = ports && f.orig.syn != 0 && (flags & (tcpflag::kSyn | tcpflag::kAck)) == (tcpflag::kSyn | tcpflag::kAck);
  } else if (proto == ipproto::kUdp) {
    positive = ports;
    listener = ports && !(f.key.orig_port < 1024 && f.key.resp_port >= 1024);
  } else if (proto == ipproto::kIcmp || proto == ipproto::kIcmpv6) {
    positive = p.has_l4 && !icmp_error(proto, p.icmp.type);
  } else {
    positive = true;
  }
  if (!positive) return;
  const std::int64_t now = p.ts.ns;
  const std::uint16_t port = ports ? f.key.resp_port : 0;
  if (listener && unexpected_service_ && !is_group_address(f.key.resp_addr)) unexpected_service_->on_answer(f, now);
  if (unknown_host_) {
    unknown_host_->on_active(f.key.orig_addr, f.key.resp_addr, false, proto, port, now);
    unknown_host_->on_active(f.key.resp_addr, f.key.orig_addr, true, proto, port, now);
  }
}

void DetectionEngine::on_syn(const PacketView& p) {
  if (is_group_address(p.dst_ip)) return;
  syn_flood_->on_syn(p.src_ip, p.dst_ip, p.dst_port, p.ts.ns);
}

void DetectionEngine::on_handshake(const FlowRecord& f) {
  if (f.orig.syn != 0 && f.resp.syn != 0) syn_flood_->on_handshake_completed(f.key.resp_addr);
}

void DetectionEngine::on_udp_one_way(const PacketView& p, const FlowRecord& f, bool from_originator) {
  if (is_group_address(p.dst_ip)) return;
  const std::uint16_t sport = from_originator ? f.key.orig_port : f.key.resp_port;
  const std::uint16_t dport = from_originator ? f.key.resp_port : f.key.orig_port;
  udp_flood_->on_packet(p.src_ip, sport, p.dst_ip, dport, p.ip_len, p.ts.ns);
}

void DetectionEngine::on_icmp(const PacketView& p, const FlowRecord& f, bool from_originator) {
  if (is_group_address(p.dst_ip)) return;
  if (!p.has_l4 || icmp_error(p.ip_proto, p.icmp.type)) return;
  const bool echo = icmp_echo_request(p.ip_proto, p.icmp.type);
  const bool one_way = (from_originator ? f.resp.packets : f.orig.packets) == 0;
  if (!echo && !one_way) return;
  icmp_flood_->on_packet(p.src_ip, p.dst_ip, p.icmp.type, echo, p.ip_len, p.ts.ns);
}

void DetectionEngine::on_dns(const PacketView& p) {
  std::span<const std::uint8_t> msg = p.l4_payload;
  if (p.ip_proto == ipproto::kTcp) {
    // DNS over TCP: a two-byte length, then the message (the segment may hold less of it).
    if (msg.size() < 2 + 12) return;
    const std::size_t len = (std::size_t{msg[0]} << 8) | msg[1];
    msg = msg.subspan(2, std::min(len, msg.size() - 2));
  }
  dns_tunnel_->on_message(p.src_ip, p.dst_ip, msg, p.ts.ns);
}

void DetectionEngine::on_service_reply(const PacketView& p, const FlowRecord& f) {
  if (!brute_force_->watches(f.key.resp_port) || f.flipped()) return;
  brute_force_->on_server_payload(f.key.orig_addr, f.key.resp_addr, f.key.resp_port, p.l4_payload, p.ts.ns);
}

void DetectionEngine::on_sparse(const PacketView& p, const FlowRecord& f) {
  const std::uint8_t proto = f.key.ip_proto;
  if ((proto != ipproto::kTcp && proto != ipproto::kUdp) || !beaconing_->watches(f.key.resp_port)) return;
  beaconing_->on_sparse_packet(f, p.l4_payload_len != 0, p.ts.ns);
}

void DetectionEngine::on_flow_end(const FlowRecord& r, const AnomalyVerdict* verdict) {
  if (verdict != nullptr && !r.is_interim()) scorer_.add_verdict(r, *verdict);
  if (brute_force_) brute_force_->on_connection_end(r);
  if (exfiltration_) exfiltration_->on_flow(r, verdict);
}

}  // namespace nta
