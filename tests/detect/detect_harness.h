#pragma once
// Drives a FlowTable and a DetectionEngine the way run_analyze_job does, with frames built byte by
// byte (tests/decode/frame_builder.h) and decoded, so the detectors see real PacketViews.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "decode/frame_builder.h"
#include "detect/detection_engine.h"
#include "detect/rules_config.h"
#include "flow/flow_table.h"

namespace nta::test {

inline constexpr std::int64_t kSec = 1'000'000'000;
inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kStart = 1'700'000'000 * kSec;

inline Ip4 v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return Ip4{a, b, c, d};
}
inline std::string text_of(const Ip4& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
}
inline Mac mac(std::uint8_t last) {
  return Mac{0x02, 0x00, 0x00, 0x00, 0x00, last};
}

inline Bytes tcp_frame(const Ip4& src, std::uint16_t sport, const Ip4& dst, std::uint16_t dport, std::uint8_t flags,
                       const Bytes& payload = {}, std::uint32_t seq = 1000, std::uint32_t ack = 0) {
  TcpFields f;
  f.seq = seq;
  f.ack = ack;
  return eth(0x0800) + ipv4(6, src, dst, tcp(sport, dport, flags, payload, f));
}
inline Bytes udp_frame(const Ip4& src, std::uint16_t sport, const Ip4& dst, std::uint16_t dport,
                       const Bytes& payload) {
  return eth(0x0800) + ipv4(17, src, dst, udp(sport, dport, payload));
}
inline Bytes icmp_frame(const Ip4& src, const Ip4& dst, std::uint8_t type, std::uint8_t code, std::uint16_t id,
                        std::uint16_t seq, const Bytes& payload = zeros(32)) {
  return eth(0x0800) + ipv4(1, src, dst, icmp(type, code, id, seq, payload));
}
inline Bytes arp_frame(std::uint16_t op, const Mac& sha, const Ip4& spa, const Mac& tha, const Ip4& tpa) {
  const Mac dst = op == 1 ? Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} : tha;
  return eth(0x0806, dst, sha) + arp(op, sha, spa, tha, tpa);
}
// A DNS query message: header (recursion desired, one question), the name's labels, type, class IN.
inline Bytes dns_query(std::string_view name, std::uint16_t qtype, std::uint16_t id = 0x1234) {
  Bytes b = be16(id) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0);
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view label = name.substr(start, dot - start);
    if (!label.empty()) b = b + u8(static_cast<unsigned>(label.size())) + text(label);
    start = dot + 1;
  }
  return b + u8(0) + be16(qtype) + be16(1);
}

class Harness {
 public:
  explicit Harness(const RulesConfig& rules = RulesConfig{}, const AssetContext* assets = nullptr)
      : engine(rules, assets), table(flow_config()) {}

  static FlowConfig flow_config() {
    FlowConfig c;
    c.hash_seed = 7;
    c.max_flows = 1 << 16;
    return c;
  }

  // One frame at packet time `ts_ns`, through the flow table and the detectors.
  void send(const Bytes& frame, std::int64_t ts_ns) {
    Decoded d = decode_bytes(frame);
    d.view.ts = Timestamp{ts_ns};
    const std::int64_t second = ts_ns / kSec;
    if (second != second_) {
      second_ = second;
      table.expire(d.view.ts, emit_);
    }
    const FlowUpdate u = table.update(d.view, emit_);
    engine.on_packet(d.view, u);
  }
  // End of input: the remaining flows end.
  void finish() { table.flush(emit_); }

  [[nodiscard]] std::vector<Alert> alerts(DetectorId id) const {
    std::vector<Alert> out;
    for (const Alert& a : engine.alerts()) {
      if (a.detector == id) out.push_back(a);
    }
    return out;
  }
  [[nodiscard]] std::size_t count(DetectorId id) const { return alerts(id).size(); }

  DetectionEngine engine;
  FlowTable table;

 private:
  std::function<void(const FlowRecord&)> emit_ = [this](const FlowRecord& r) { engine.on_flow_end(r, nullptr); };
  std::int64_t second_ = -1;
};

// Rules with one detector's keys changed, from INI text.
inline RulesConfig rules_from(std::string_view text) {
  return parse_rules(text, "test.rules");
}

inline std::string evidence_text(const Alert& a, std::string_view key) {
  const EvidenceValue* v = a.find_evidence(key);
  if (v == nullptr) return "<missing>";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(v)) return std::to_string(*d);
  return "<list>";
}
inline std::int64_t evidence_int(const Alert& a, std::string_view key) {
  const EvidenceValue* v = a.find_evidence(key);
  if (v == nullptr) return -1;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return -2;
}

}  // namespace nta::test
