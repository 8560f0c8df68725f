#pragma once
// The detection stage: the eleven traffic detectors, and the three correlation findings when an
// asset inventory is given, behind one object the pipeline calls twice, with the
// packet right after the flow table has accounted it (on_packet) and with each flow record as it
// leaves the table (on_flow_end). Floods and scans are judged on packets as they come, never on
// finished flows.
//
// on_packet is inline and dispatches on what the packet is: most packets (the middle of a TCP or
// UDP conversation) cost a handful of compares and no call; flow starts, first replies, SYNs,
// one-way UDP, ICMP, DNS queries, ARP and packets of long sparse flows go to the few detectors
// that want them, by direct (not virtual) calls. Detector state lives in capped flat tables
// allocated at construction; nothing is allocated per packet except when an alert is raised. The
// correlation findings ask the asset context (a virtual call) once per service or host they have
// not judged yet, at flow starts and first replies only.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "decode/packet_view.h"
#include "detect/alert.h"
#include "detect/alert_log.h"
#include "detect/arp_spoof.h"
#include "detect/asset_context.h"
#include "detect/beaconing.h"
#include "detect/brute_force.h"
#include "detect/dns_tunnel.h"
#include "detect/exfiltration.h"
#include "detect/horizontal_scan.h"
#include "detect/icmp_flood.h"
#include "detect/ping_sweep.h"
#include "detect/port_scan.h"
#include "detect/risky_service.h"
#include "detect/rules_config.h"
#include "detect/syn_flood.h"
#include "detect/threat_scorer.h"
#include "detect/udp_flood.h"
#include "detect/unexpected_service.h"
#include "detect/unknown_host.h"
#include "flow/flow_table.h"

namespace nta {

struct AnomalyVerdict;

class DetectionEngine {
 public:
  // `assets` (may be null) must outlive the engine.
  explicit DetectionEngine(const RulesConfig& rules, const AssetContext* assets = nullptr);
  DetectionEngine(const DetectionEngine&) = delete;
  DetectionEngine& operator=(const DetectionEngine&) = delete;

  // Called with each alert as it is raised (the alert file). Throttled repeats do not call it.
  void set_sink(AlertLog::Sink sink) { log_.set_sink(std::move(sink)); }

  // Every decoded packet, after FlowTable::update returned `u` for it (u.flow null: not in a flow).
  void on_packet(const PacketView& p, const FlowUpdate& u);
  // Every flow record the table emits (final and interim), with the anomaly verdict when the flow
  // was scored (null otherwise).
  void on_flow_end(const FlowRecord& r, const AnomalyVerdict* verdict);

  [[nodiscard]] const std::vector<Alert>& alerts() const noexcept { return log_.alerts(); }
  [[nodiscard]] const AlertCounters& alert_counters() const noexcept { return log_.counters(); }
  // Threat scores as of the latest packet time seen.
  [[nodiscard]] std::vector<HostThreat> scores() const { return scorer_.score(log_.alerts(), Timestamp{last_ns_}); }
  // Keys evicted from each detector's tables because they were full (index: DetectorId).
  [[nodiscard]] std::array<std::uint64_t, kDetectorCount> evictions() const noexcept;
  [[nodiscard]] const RulesConfig& rules() const noexcept { return rules_; }
  [[nodiscard]] Timestamp latest() const noexcept { return Timestamp{last_ns_}; }

 private:
  static constexpr std::int64_t kSparseAgeNs = 10'000'000'000;  // a flow this old may be "sparse"

  // Everything but the common case of on_packet (out of line).
  void on_event(const PacketView& p, const FlowUpdate& u);
  void on_arp(const PacketView& p);
  void on_flow_start(const PacketView& p, const FlowRecord& f);
  void on_first_reply(const PacketView& p, const FlowRecord& f);
  void on_syn(const PacketView& p);
  void on_handshake(const FlowRecord& f);
  void on_udp_one_way(const PacketView& p, const FlowRecord& f, bool from_originator);
  void on_icmp(const PacketView& p, const FlowRecord& f, bool from_originator);
  void on_dns(const PacketView& p);
  void on_service_reply(const PacketView& p, const FlowRecord& f);
  void on_sparse(const PacketView& p, const FlowRecord& f);
  void correlate_start(const PacketView& p, const FlowRecord& f);
  void correlate_reply(const PacketView& p, const FlowRecord& f);

  // Clear-text login services whose server replies brute_force reads.
  static bool login_reply_port(std::uint16_t port) noexcept {
    switch (port) {
      case 21: case 23: case 25: case 110: case 143: case 465: case 587: return true;
      default: return false;
    }
  }

  RulesConfig rules_;
  AlertLog log_;
  ThreatScorer scorer_;
  std::optional<PortScanDetector> port_scan_;
  std::optional<HorizontalScanDetector> horizontal_scan_;
  std::optional<PingSweepDetector> ping_sweep_;
  std::optional<SynFloodDetector> syn_flood_;
  std::optional<UdpFloodDetector> udp_flood_;
  std::optional<IcmpFloodDetector> icmp_flood_;
  std::optional<BruteForceDetector> brute_force_;
  std::optional<DnsTunnelDetector> dns_tunnel_;
  std::optional<ArpSpoofDetector> arp_spoof_;
  std::optional<ExfiltrationDetector> exfiltration_;
  std::optional<BeaconingDetector> beaconing_;
  // The correlation findings: only with an asset context.
  std::optional<UnexpectedServiceDetector> unexpected_service_;
  std::optional<UnknownHostDetector> unknown_host_;
  std::optional<RiskyServiceDetector> risky_service_;
  // Services (address, protocol, port) that answered a probe positively, and when. Connections to
  // a service known open are no scan probes: the scan detectors skip them (most flows of ordinary
  // traffic), which keeps their per-pair state out of the common path. Open ports count as answered
  // anyway, so the scans' unanswered counts do not change.
  struct OpenService {
    std::int64_t last_answer_ns = 0;
  };
  LruTable<HostKey, OpenService, WordKeyHash> open_services_;
  static constexpr std::int64_t kServiceMemoryNs = 600'000'000'000;  // 10 minutes
  // What on_packet needs, as plain flags.
  bool starts_ = false;  // a detector wants flow starts or first replies
  bool correlate_ = false;  // a correlation finding does
  bool syn_ = false;
  bool udp_ = false;
  bool icmp_ = false;
  bool dns_ = false;
  bool arp_ = false;
  bool brute_ = false;
  bool sparse_ = false;
  std::int64_t sparse_ns_per_packet_ = 0;
  std::int64_t last_ns_ = 0;
};

inline void DetectionEngine::on_packet(const PacketView& p, const FlowUpdate& u) {
  last_ns_ = p.ts.ns;
  const FlowRecord* f = u.flow;
  if (f == nullptr || u.created || p.ip_proto != ipproto::kTcp) {
    on_event(p, u);
    return;
  }
  // A TCP packet of a flow under way: only its SYNs, first reply, handshake completion, DNS
  // queries and login replies matter, and the packets of long sparse flows.
  const std::uint8_t flags = p.tcp.flags;
  const bool from_orig = u.from_originator;
  if ((flags & tcpflag::kSyn) != 0 || (from_orig ? f->orig.ack == 1 : f->resp.packets == 1) ||
      (p.l4_payload_len != 0 && (from_orig ? p.dst_port == 53 : login_reply_port(f->key.resp_port)))) {
    on_event(p, u);
    return;
  }
  // (Only the sender's side of the record is read: it is the cache line the table just wrote.)
  if (sparse_ && from_orig) {
    const std::int64_t age = p.ts.ns - f->first_ts.ns;
    if (age >= kSparseAgeNs && static_cast<std::int64_t>(f->orig.packets) * sparse_ns_per_packet_ <= age) {
      on_sparse(p, *f);
    }
  }
}

}  // namespace nta
