#include "stats/traffic_stats.h"

#include <algorithm>
#include <bit>

namespace nta {
namespace {

// 0-63 -> 0, then one bucket per power of two up to 1023, 1024-1517 -> 5, 1518+ -> 6.
std::size_t size_bucket(std::uint32_t len) noexcept {
  if (len >= 1518) return 6;
  if (len < 64) return 0;
  return std::min<std::size_t>(static_cast<std::size_t>(std::bit_width(len)) - 6, 5);
}
static_assert(kSizeBucketLow == std::array<std::uint32_t, kSizeBucketCount>{0, 64, 128, 256, 512, 1024, 1518},
              "size_bucket() hard-codes the bucket bounds");

}  // namespace

TrafficStats::TrafficStats(const TrafficStatsLimits& limits)
    : talkers_(limits.max_talkers),
      conversations_(limits.max_conversations),
      dst_ports_(std::make_unique<Counter[]>(kTransportCount * kPorts)),
      service_table_(&port_service_table()),
      services_(port_service_count()),
      throughput_(limits.max_buckets) {}

void TrafficStats::add(const PacketView& v) noexcept {
  PacketTotals::add(v);
  protocols_.add(v);
  throughput_.add(v.ts, v.wire_len);
  Counter& size = sizes_[size_bucket(v.wire_len)];
  ++size.packets;
  size.bytes += v.wire_len;

  if (v.net != NetLayer::kIpv4 && v.net != NetLayer::kIpv6) return;

  if (v.has_ports) {
    if (const std::optional<Transport> transport = transport_of(v.ip_proto)) {
      ++port_packets_;
      port_bytes_ += v.wire_len;
      Counter& port = dst_ports_[static_cast<std::size_t>(*transport) * kPorts + v.dst_port];
      ++port.packets;
      port.bytes += v.wire_len;
      Counter& service = services_[packet_service_id(*service_table_, *transport, v.src_port, v.dst_port)];
      ++service.packets;
      service.bytes += v.wire_len;
      if (*transport == Transport::kTcp) add_tcp_flags(v.tcp.flags);
    }
  }

  TalkerCounters& src = talkers_.at(v.src_ip);
  ++src.sent_packets;
  src.sent_bytes += v.wire_len;
  TalkerCounters& dst = talkers_.at(v.dst_ip);
  ++dst.received_packets;
  dst.received_bytes += v.wire_len;

  if (!v.src_ip.empty() && !v.dst_ip.empty()) {
    const bool forward = !(v.dst_ip < v.src_ip);
    ConversationCounters& c =
        conversations_.at(forward ? AddressPair{v.src_ip, v.dst_ip} : AddressPair{v.dst_ip, v.src_ip});
    if (forward) {
      ++c.a_to_b_packets;
      c.a_to_b_bytes += v.wire_len;
    } else {
      ++c.b_to_a_packets;
      c.b_to_a_bytes += v.wire_len;
    }
  }
}

void TrafficStats::add_tcp_flags(std::uint8_t f) noexcept {
  ++tcp_flags_.tcp_packets;
  if ((f & tcpflag::kSyn) != 0) {
    if ((f & tcpflag::kAck) != 0) {
      ++tcp_flags_.syn_ack;
    } else {
      ++tcp_flags_.syn;
    }
  }
  tcp_flags_.fin += (f & tcpflag::kFin) != 0 ? 1 : 0;
  tcp_flags_.rst += (f & tcpflag::kRst) != 0 ? 1 : 0;
  tcp_flags_.psh += (f & tcpflag::kPsh) != 0 ? 1 : 0;
  tcp_flags_.ack += (f & tcpflag::kAck) != 0 ? 1 : 0;
  tcp_flags_.urg += (f & tcpflag::kUrg) != 0 ? 1 : 0;
  tcp_flags_.ece += (f & tcpflag::kEce) != 0 ? 1 : 0;
  tcp_flags_.cwr += (f & tcpflag::kCwr) != 0 ? 1 : 0;
}

void TrafficStats::add_flow_state(std::string_view conn_state) {
  ++flows_;
  for (FlowStateCount& s : flow_states_) {
    if (s.state == conn_state) {
      ++s.flows;
      return;
    }
  }
  flow_states_.push_back({std::string(conn_state), 1});
}

void TrafficStats::add_flow_service(std::string_view service, std::uint64_t packets, std::uint64_t bytes) {
  for (FlowService& s : flow_services_) {
    if (s.service == service) {
      ++s.flows;
      s.packets += packets;
      s.bytes += bytes;
      return;
    }
  }
  flow_services_.push_back({std::string(service), 1, packets, bytes});
}

std::vector<TalkerCount> TrafficStats::top_talkers_by_bytes(std::size_t n) const {
  return talkers_.top(n, [](const TalkerCount& x, const TalkerCount& y) {
    if (x.counters.bytes() != y.counters.bytes()) return x.counters.bytes() > y.counters.bytes();
    if (x.counters.packets() != y.counters.packets()) return x.counters.packets() > y.counters.packets();
    return x.key < y.key;
  });
}

std::vector<TalkerCount> TrafficStats::top_talkers_by_packets(std::size_t n) const {
  return talkers_.top(n, [](const TalkerCount& x, const TalkerCount& y) {
    if (x.counters.packets() != y.counters.packets()) return x.counters.packets() > y.counters.packets();
    if (x.counters.bytes() != y.counters.bytes()) return x.counters.bytes() > y.counters.bytes();
    return x.key < y.key;
  });
}

std::vector<ConversationCount> TrafficStats::top_conversations_by_bytes(std::size_t n) const {
  return conversations_.top(n, [](const ConversationCount& x, const ConversationCount& y) {
    if (x.counters.bytes() != y.counters.bytes()) return x.counters.bytes() > y.counters.bytes();
    if (x.counters.packets() != y.counters.packets()) return x.counters.packets() > y.counters.packets();
    return x.key < y.key;
  });
}

PortCount TrafficStats::destination_port(Transport t, std::uint16_t port) const noexcept {
  const Counter& c = dst_ports_[static_cast<std::size_t>(t) * kPorts + port];
  return {t, port, c.packets, c.bytes};
}

std::vector<PortCount> TrafficStats::top_destination_ports(std::size_t n) const {
  std::vector<PortCount> all;
  for (std::size_t i = 0; i < kTransportCount * kPorts; ++i) {
    const Counter& c = dst_ports_[i];
    if (c.packets == 0) continue;
    all.push_back(
        {static_cast<Transport>(i / kPorts), static_cast<std::uint16_t>(i % kPorts), c.packets, c.bytes});
  }
  n = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [](const PortCount& x, const PortCount& y) {
                      if (x.packets != y.packets) return x.packets > y.packets;
                      if (x.bytes != y.bytes) return x.bytes > y.bytes;
                      if (x.transport != y.transport) return x.transport < y.transport;
                      return x.port < y.port;
                    });
  all.resize(n);
  return all;
}

std::size_t TrafficStats::distinct_destination_ports() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kTransportCount * kPorts; ++i) n += dst_ports_[i].packets != 0 ? 1u : 0u;
  return n;
}

std::vector<ServiceCount> TrafficStats::port_services() const {
  std::vector<ServiceCount> out;
  for (std::size_t id = 1; id < services_.size(); ++id) {
    if (services_[id].packets == 0) continue;
    out.push_back(
        {port_service_name(static_cast<PortServiceId>(id)), 0, services_[id].packets, services_[id].bytes});
  }
  std::sort(out.begin(), out.end(), [](const ServiceCount& x, const ServiceCount& y) {
    if (x.packets != y.packets) return x.packets > y.packets;
    return x.service < y.service;
  });
  return out;
}

ServiceCount TrafficStats::unknown_port_service() const noexcept {
  return {"", 0, services_[kNoService].packets, services_[kNoService].bytes};
}

std::vector<ServiceCount> TrafficStats::flow_services() const {
  std::vector<ServiceCount> out;
  for (const FlowService& s : flow_services_) out.push_back({s.service, s.flows, s.packets, s.bytes});
  std::sort(out.begin(), out.end(), [](const ServiceCount& x, const ServiceCount& y) {
    if (x.flows != y.flows) return x.flows > y.flows;
    return x.service < y.service;
  });
  return out;
}

std::array<SizeBucket, kSizeBucketCount> TrafficStats::packet_sizes() const noexcept {
  std::array<SizeBucket, kSizeBucketCount> out;
  for (std::size_t i = 0; i < kSizeBucketCount; ++i) {
    out[i].low = kSizeBucketLow[i];
    if (i + 1 < kSizeBucketCount) out[i].high = kSizeBucketLow[i + 1] - 1;
    out[i].packets = sizes_[i].packets;
    out[i].bytes = sizes_[i].bytes;
  }
  return out;
}

std::vector<FlowStateCount> TrafficStats::flow_states() const {
  std::vector<FlowStateCount> out = flow_states_;
  std::sort(out.begin(), out.end(), [](const FlowStateCount& x, const FlowStateCount& y) {
    if (x.flows != y.flows) return x.flows > y.flows;
    return x.state < y.state;
  });
  return out;
}

}  // namespace nta
