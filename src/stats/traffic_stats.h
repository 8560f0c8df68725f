#pragma once
// The statistics of `nta stats`: totals, protocol mix, top talkers, destination ports and
// port-based services, conversations (address pairs), throughput per second, packet sizes, TCP
// flags, decode anomalies, and flows by conn_state once a flow table feeds them.
// Per packet: O(1), no allocation in steady state (fixed arrays, flat capped hash tables, a
// fixed ring for the time series).
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "decode/packet_view.h"
#include "stats/flat_counter_table.h"
#include "stats/port_service.h"
#include "stats/protocol_mix.h"
#include "stats/throughput_series.h"

#include "stats/packet_totals.h"

namespace nta {

// --- Talkers: per address, what it sent and what it received. ---
struct TalkerCounters {
  std::uint64_t sent_packets = 0;
  std::uint64_t sent_bytes = 0;
  std::uint64_t received_packets = 0;
  std::uint64_t received_bytes = 0;
  [[nodiscard]] std::uint64_t packets() const noexcept { return sent_packets + received_packets; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return sent_bytes + received_bytes; }
};

// Per-packet key operations on addresses: the 17 bytes as two words and the family, inline.
struct IpAddressKeyOps {
  static std::uint64_t lo(const IpAddress& a) noexcept {
    std::uint64_t w;
    std::memcpy(&w, a.bytes.data(), 8);
    return w;
  }
  static std::uint64_t hi(const IpAddress& a) noexcept {
    std::uint64_t w;
    std::memcpy(&w, a.bytes.data() + 8, 8);
    return w;
  }
  static std::uint64_t mix(std::uint64_t h) noexcept {
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h;
  }
  static std::uint64_t hash(const IpAddress& a, std::uint64_t seed) noexcept {
    const std::uint64_t h = (lo(a) ^ seed) * 0x9E3779B97F4A7C15ULL;
    return mix(h ^ ((hi(a) + static_cast<std::uint64_t>(a.family)) * 0xC2B2AE3D27D4EB4FULL));
  }
  static bool equal(const IpAddress& x, const IpAddress& y) noexcept {
    return ((lo(x) ^ lo(y)) | (hi(x) ^ hi(y))) == 0 && x.family == y.family;
  }
};

using TalkerTable = FlatCounterTable<IpAddress, TalkerCounters, IpAddressKeyOps>;
using TalkerCount = TalkerTable::Entry;

// --- Conversations: an unordered address pair, kept with a < b. ---
struct AddressPair {
  IpAddress a;
  IpAddress b;
  [[nodiscard]] bool empty() const noexcept { return a.empty(); }
  friend bool operator==(const AddressPair&, const AddressPair&) = default;
  friend auto operator<=>(const AddressPair&, const AddressPair&) = default;
};

struct AddressPairKeyOps {
  static std::uint64_t hash(const AddressPair& p, std::uint64_t seed) noexcept {
    return IpAddressKeyOps::mix(IpAddressKeyOps::hash(p.a, seed) ^
                                (IpAddressKeyOps::hash(p.b, ~seed) * 0xFF51AFD7ED558CCDULL));
  }
  static bool equal(const AddressPair& x, const AddressPair& y) noexcept {
    return IpAddressKeyOps::equal(x.a, y.a) && IpAddressKeyOps::equal(x.b, y.b);
  }
};

struct ConversationCounters {
  std::uint64_t a_to_b_packets = 0;
  std::uint64_t a_to_b_bytes = 0;
  std::uint64_t b_to_a_packets = 0;
  std::uint64_t b_to_a_bytes = 0;
  [[nodiscard]] std::uint64_t packets() const noexcept { return a_to_b_packets + b_to_a_packets; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return a_to_b_bytes + b_to_a_bytes; }
};

using ConversationTable = FlatCounterTable<AddressPair, ConversationCounters, AddressPairKeyOps>;
using ConversationCount = ConversationTable::Entry;

// --- Ports and services. ---
struct PortCount {
  Transport transport = Transport::kTcp;
  std::uint16_t port = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

struct ServiceCount {
  std::string_view service;  // Zeek-style name; static storage (port table) or owned by TrafficStats
  std::uint64_t flows = 0;   // content-detected services only; 0 for the port-based table
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

// --- Packet sizes (wire length). ---
inline constexpr std::size_t kSizeBucketCount = 7;
// Lower bounds of the buckets: 0-63, 64-127, 128-255, 256-511, 512-1023, 1024-1517, 1518+.
inline constexpr std::array<std::uint32_t, kSizeBucketCount> kSizeBucketLow = {0,   64,   128, 256,
                                                                               512, 1024, 1518};

struct SizeBucket {
  std::uint32_t low = 0;
  std::optional<std::uint32_t> high;  // inclusive; none for the last bucket
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

// --- TCP flags: packets with each flag among TCP packets whose fixed header was read. ---
struct TcpFlagCounts {
  std::uint64_t tcp_packets = 0;
  std::uint64_t syn = 0;      // SYN without ACK (connection attempts)
  std::uint64_t syn_ack = 0;  // SYN with ACK (answers)
  std::uint64_t fin = 0;
  std::uint64_t rst = 0;
  std::uint64_t psh = 0;
  std::uint64_t ack = 0;  // every packet with ACK, SYN-ACKs included
  std::uint64_t urg = 0;
  std::uint64_t ece = 0;
  std::uint64_t cwr = 0;
};

struct FlowStateCount {
  std::string state;
  std::uint64_t flows = 0;
};

struct TrafficStatsLimits {
  std::size_t max_talkers = 1u << 20;        // addresses; more are counted as "other"
  std::size_t max_conversations = 1u << 18;  // address pairs; more are counted as "other"
  std::size_t max_buckets = ThroughputSeries::kDefaultMaxBuckets;
};

// Totals, time span and anomaly counts come from PacketTotals.
class TrafficStats : public PacketTotals {
 public:
  TrafficStats() : TrafficStats(TrafficStatsLimits{}) {}
  explicit TrafficStats(const TrafficStatsLimits& limits);

  // Per packet.
  void add(const PacketView& v) noexcept;

  // Per finished flow, from the flow table: its Zeek conn_state ("S0", "SF", "REJ", ...).
  void add_flow_state(std::string_view conn_state);
  // Per finished flow whose service content detection recognised (Zeek-style name, e.g. "ssl";
  // nothing to call for flows without one), with the flow's packets and bytes (both directions).
  void add_flow_service(std::string_view service, std::uint64_t packets, std::uint64_t bytes);

  // Totals.

  // Protocols by packets, largest first.
  [[nodiscard]] std::vector<ProtocolCount> protocols() const { return protocols_.protocols(); }

  // IPv4/IPv6 packets only (the innermost addresses of tunnels).
  [[nodiscard]] const TalkerTable& talkers() const noexcept { return talkers_; }
  [[nodiscard]] std::vector<TalkerCount> top_talkers_by_bytes(std::size_t n) const;
  [[nodiscard]] std::vector<TalkerCount> top_talkers_by_packets(std::size_t n) const;
  [[nodiscard]] const ConversationTable& conversations() const noexcept { return conversations_; }
  [[nodiscard]] std::vector<ConversationCount> top_conversations_by_bytes(std::size_t n) const;

  // TCP, UDP and SCTP packets whose ports were read.
  [[nodiscard]] std::uint64_t packets_with_ports() const noexcept { return port_packets_; }
  [[nodiscard]] std::uint64_t bytes_with_ports() const noexcept { return port_bytes_; }
  [[nodiscard]] std::vector<PortCount> top_destination_ports(std::size_t n) const;
  [[nodiscard]] std::size_t distinct_destination_ports() const;
  [[nodiscard]] PortCount destination_port(Transport t, std::uint16_t port) const noexcept;
  // Port-based services by packets (largest first), and what had ports but no known service.
  [[nodiscard]] std::vector<ServiceCount> port_services() const;
  [[nodiscard]] ServiceCount unknown_port_service() const noexcept;
  // Content-detected services fed per flow, by flows (largest first); empty until fed.
  [[nodiscard]] std::vector<ServiceCount> flow_services() const;

  [[nodiscard]] const ThroughputSeries& throughput() const noexcept { return throughput_; }
  [[nodiscard]] std::array<SizeBucket, kSizeBucketCount> packet_sizes() const noexcept;
  [[nodiscard]] const TcpFlagCounts& tcp_flags() const noexcept { return tcp_flags_; }

  // Flows by conn_state, largest first; empty until add_flow_state() is called.
  [[nodiscard]] std::vector<FlowStateCount> flow_states() const;
  [[nodiscard]] std::uint64_t flows() const noexcept { return flows_; }


 private:
  struct Counter {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
  };
  struct FlowService {
    std::string service;
    std::uint64_t flows = 0;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
  };
  static constexpr std::size_t kPorts = 65536;

  void add_tcp_flags(std::uint8_t flags) noexcept;

  ProtocolMix protocols_;
  TalkerTable talkers_;
  ConversationTable conversations_;
  std::unique_ptr<Counter[]> dst_ports_;  // [transport * kPorts + port]
  std::uint64_t port_packets_ = 0;
  std::uint64_t port_bytes_ = 0;
  const PortServiceTable* service_table_;
  std::vector<Counter> services_;  // by PortServiceId; [kNoService] = ports without a known service
  ThroughputSeries throughput_;
  std::array<Counter, kSizeBucketCount> sizes_{};
  TcpFlagCounts tcp_flags_;
  std::vector<FlowStateCount> flow_states_;
  std::uint64_t flows_ = 0;
  std::vector<FlowService> flow_services_;
};

}  // namespace nta
