#pragma once
// Shared by the attack tests: generating a capture with attacks, keeping its frames, decoding
// them with nta's decoder, and small address helpers.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/raw_packet.h"
#include "decode/decoder.h"
#include "decode/packet_view.h"
#include "synth/attack_plan.h"
#include "synth/traffic_generator.h"

namespace nta::test {

struct Frame {
  Timestamp ts;
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const Frame&, const Frame&) = default;

  [[nodiscard]] PacketView view() const {
    RawPacket raw;
    raw.ts = ts;
    raw.wire_len = static_cast<std::uint32_t>(bytes.size());
    raw.link = LinkType::kEthernet;
    raw.data = bytes;
    return decode(raw);
  }
};

struct AttackRun {
  std::vector<Frame> frames;
  std::vector<PlannedAttack> attacks;  // copies: their streams hold the tallies
  std::string truth;
  std::unique_ptr<TrafficGenerator> generator;  // kept for its network
};

inline TrafficConfig config_for(double seconds, std::uint32_t hosts, std::uint64_t seed) {
  TrafficConfig c;
  c.seconds = seconds;
  c.hosts = hosts;
  c.seed = seed;
  return c;
}

inline AttackRun generate(const TrafficConfig& config, std::string_view kinds,
                          std::optional<double> start_seconds = std::nullopt) {
  AttackRun run;
  run.generator = std::make_unique<TrafficGenerator>(config);
  AttackOptions options;
  if (!kinds.empty()) options.kinds = parse_attack_kinds(kinds);
  options.start_seconds = start_seconds;
  const AttackPlan plan(*run.generator, options);
  RawPacket p;
  while (run.generator->next(p)) run.frames.push_back(Frame{p.ts, {p.data.begin(), p.data.end()}});
  run.attacks.assign(plan.attacks().begin(), plan.attacks().end());
  run.truth = plan.truth_csv();
  return run;
}

// The frames of `with` that are not in `without`, which must be a subsequence of it.
inline std::vector<Frame> added_frames(const std::vector<Frame>& with, const std::vector<Frame>& without,
                                       bool* subsequence = nullptr) {
  std::vector<Frame> added;
  std::size_t j = 0;
  for (const Frame& f : with) {
    if (j < without.size() && f == without[j]) {
      ++j;
    } else {
      added.push_back(f);
    }
  }
  if (subsequence != nullptr) *subsequence = j == without.size();
  return added;
}

inline IpAddress ip(const char* text) {
  IpAddress a;
  parse_ip(text, a);
  return a;
}

inline std::string text(const IpAddress& a) {
  return to_string(a);
}

inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t next = s.find(sep, at);
    out.emplace_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  return out;
}

inline bool is_tcp(const PacketView& v) {
  return v.has_l4 && v.ip_proto == ipproto::kTcp;
}
inline bool is_udp(const PacketView& v) {
  return v.has_l4 && v.ip_proto == ipproto::kUdp;
}
inline bool is_icmp(const PacketView& v) {
  return v.has_l4 && v.ip_proto == ipproto::kIcmp;
}

}  // namespace nta::test
