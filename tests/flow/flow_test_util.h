#pragma once
// Builds PacketViews by hand (as the decoder would fill them) and drives a FlowTable with them.
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "decode/packet_view.h"
#include "flow/flow_table.h"

namespace nta::test {

inline constexpr std::int64_t kSecond = 1'000'000'000;
inline constexpr std::int64_t kT0 = 1'700'000'000 * kSecond;

inline IpAddress ip(const char* text) {
  IpAddress a;
  if (!parse_ip(text, a)) throw std::invalid_argument(text);
  return a;
}

inline PacketView ip_packet(const char* src, const char* dst, std::uint8_t proto, std::int64_t ts_ns,
                            std::uint32_t l4_header, std::uint32_t payload) {
  PacketView p;
  p.ts = Timestamp{ts_ns};
  p.src_ip = ip(src);
  p.dst_ip = ip(dst);
  const bool v6 = p.src_ip.family == IpFamily::kV6;
  p.net = v6 ? NetLayer::kIpv6 : NetLayer::kIpv4;
  p.ethertype = v6 ? ethertype::kIpv6 : ethertype::kIpv4;
  p.ip_proto = proto;
  p.ttl = 64;
  p.ip_len = static_cast<std::uint16_t>((v6 ? 40 : 20) + l4_header + payload);
  p.wire_len = p.ip_len + 14u;
  p.cap_len = p.wire_len;
  p.l4_payload_len = payload;
  return p;
}

inline PacketView tcp_packet(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                             std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t payload,
                             std::int64_t ts_ns, std::uint16_t window = 8192) {
  PacketView p = ip_packet(src, dst, ipproto::kTcp, ts_ns, 20, payload);
  p.has_ports = true;
  p.has_l4 = true;
  p.src_port = sport;
  p.dst_port = dport;
  p.tcp.seq = seq;
  p.tcp.ack = ack;
  p.tcp.flags = flags;
  p.tcp.window = window;
  p.tcp.header_len = 20;
  return p;
}

inline PacketView udp_packet(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                             std::uint32_t payload, std::int64_t ts_ns) {
  PacketView p = ip_packet(src, dst, ipproto::kUdp, ts_ns, 8, payload);
  p.has_ports = true;
  p.has_l4 = true;
  p.src_port = sport;
  p.dst_port = dport;
  return p;
}

inline PacketView icmp_packet(const char* src, const char* dst, std::uint8_t type, std::uint8_t code,
                              std::uint16_t id, std::uint32_t payload, std::int64_t ts_ns, bool v6 = false) {
  PacketView p = ip_packet(src, dst, v6 ? ipproto::kIcmpv6 : ipproto::kIcmp, ts_ns, 8, payload);
  p.has_l4 = true;
  p.icmp.type = type;
  p.icmp.code = code;
  p.icmp.id = id;
  return p;
}

// std::mt19937 with 32-bit results (its result_type is wider on LP64).
struct Rng {
  explicit Rng(std::uint32_t seed) : engine(seed) {}
  std::uint32_t operator()() { return static_cast<std::uint32_t>(engine()); }
  std::mt19937 engine;
};

namespace flag {
inline constexpr std::uint8_t S = tcpflag::kSyn;
inline constexpr std::uint8_t SA = tcpflag::kSyn | tcpflag::kAck;
inline constexpr std::uint8_t A = tcpflag::kAck;
inline constexpr std::uint8_t PA = tcpflag::kPsh | tcpflag::kAck;
inline constexpr std::uint8_t FA = tcpflag::kFin | tcpflag::kAck;
inline constexpr std::uint8_t F = tcpflag::kFin;
inline constexpr std::uint8_t R = tcpflag::kRst;
inline constexpr std::uint8_t RA = tcpflag::kRst | tcpflag::kAck;
}  // namespace flag

// A TCP conversation between a client and a server with sequence numbers kept as a real stack
// would: each call sends one segment and advances the sender's sequence number.
class TcpConversation {
 public:
  TcpConversation(FlowTable& table, std::vector<FlowRecord>& out, const char* client, std::uint16_t cport,
                  const char* server, std::uint16_t sport, std::int64_t start_ns = kT0,
                  std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000)
      : table_(table),
        out_(out),
        client_(client),
        server_(server),
        cport_(cport),
        sport_(sport),
        now_(start_ns),
        cseq_(client_isn),
        sseq_(server_isn) {}

  FlowUpdate client(std::uint8_t flags, std::uint32_t payload = 0) { return send(true, flags, payload); }
  FlowUpdate server(std::uint8_t flags, std::uint32_t payload = 0) { return send(false, flags, payload); }
  // Sends with an explicit sequence number (retransmissions, out of order); does not advance.
  FlowUpdate client_at(std::uint32_t seq, std::uint8_t flags, std::uint32_t payload) {
    now_ += kStep;
    return table_.update(tcp_packet(client_, cport_, server_, sport_, flags, seq, sseq_, payload, now_),
                         out_);
  }
  FlowUpdate client_window(std::uint8_t flags, std::uint16_t window) {
    now_ += kStep;
    return table_.update(tcp_packet(client_, cport_, server_, sport_, flags, cseq_, sseq_, 0, now_, window),
                         out_);
  }
  [[nodiscard]] std::int64_t now() const { return now_; }
  void advance(std::int64_t ns) { now_ += ns; }
  [[nodiscard]] std::uint32_t client_seq() const { return cseq_; }

  static constexpr std::int64_t kStep = 1'000'000;  // 1 ms between packets

 private:
  FlowUpdate send(bool from_client, std::uint8_t flags, std::uint32_t payload) {
    now_ += kStep;
    std::uint32_t& seq = from_client ? cseq_ : sseq_;
    const std::uint32_t ack = from_client ? sseq_ : cseq_;
    const PacketView p = from_client
                             ? tcp_packet(client_, cport_, server_, sport_, flags, seq, ack, payload, now_)
                             : tcp_packet(server_, sport_, client_, cport_, flags, seq, ack, payload, now_);
    if ((flags & tcpflag::kRst) == 0) {
      seq += payload;
      if ((flags & tcpflag::kSyn) != 0) ++seq;
      if ((flags & tcpflag::kFin) != 0) ++seq;
    }
    return table_.update(p, out_);
  }

  FlowTable& table_;
  std::vector<FlowRecord>& out_;
  const char* client_;
  const char* server_;
  std::uint16_t cport_;
  std::uint16_t sport_;
  std::int64_t now_;
  std::uint32_t cseq_;
  std::uint32_t sseq_;
};

// Every field of a record as text, to compare records exactly.
inline std::string describe(const FlowRecord& r) {
  auto ep = [](const FlowEndpoint& e) {
    return std::to_string(e.packets) + "/" + std::to_string(e.ip_bytes) + "/" +
           std::to_string(e.payload_bytes) + " flags " + std::to_string(e.syn) + "," + std::to_string(e.fin) +
           "," + std::to_string(e.rst) + "," + std::to_string(e.psh) + "," + std::to_string(e.ack) + "," +
           std::to_string(e.urg) + " win " + std::to_string(e.initial_window) + " st " +
           std::to_string(static_cast<int>(e.state));
  };
  return to_string(r.key.orig_addr) + ":" + std::to_string(r.key.orig_port) + " > " +
         to_string(r.key.resp_addr) + ":" + std::to_string(r.key.resp_port) + " p" +
         std::to_string(r.key.ip_proto) + " vlan" + std::to_string(r.key.vlan) + " id" +
         std::to_string(r.key.icmp_id) + " t " + std::to_string(r.first_ts.ns) + ".." +
         std::to_string(r.last_ts.ns) + " o[" + ep(r.orig) + "] r[" + ep(r.resp) + "] " +
         std::string(conn_state_name(r.conn_state)) + " " + std::string(r.history_view()) + " " +
         std::string(end_reason_name(r.end_reason)) + " " + std::string(r.uid_view()) + " " +
         std::string(r.community_id_view()) + " interim" + std::to_string(r.interim_count) + " app" +
         std::to_string(r.app_slot) + " svc" + std::to_string(r.service);
}

}  // namespace nta::test
