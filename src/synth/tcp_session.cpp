#include "synth/tcp_session.h"

#include <algorithm>

namespace nta {
namespace {

constexpr std::int64_t kUs = 1000;
constexpr std::int64_t kMs = 1'000'000;
// Delayed-ACK timer of Linux and Windows receivers.
constexpr std::int64_t kDelayedAck = 40 * kMs;
constexpr std::uint32_t kInitialWindow = 10;    // segments (RFC 6928)
constexpr std::uint32_t kTimestampOption = 12;  // NOP, NOP, kind 8 (10 bytes)

// A receiver's immediate ACK goes out 8..35 us after the segment; server segments of a burst are
// at least ~48 us apart (network.cpp caps the bottleneck rate), so ACKs fall between segments.
std::int64_t ack_delay(Rng& rng) noexcept {
  return rng.between(8 * kUs, 35 * kUs);
}

}  // namespace

TcpEndpoints outside_endpoints(Network& network, Host& host, const Server& server, bool ipv6,
                               std::uint16_t port) {
  const bool v6 = ipv6 && host.has_ipv6() && server.has_ipv6();
  return TcpEndpoints{
      .client = &host,
      .peer_mac = network.gateway_mac(),
      .client_ip = v6 ? host.ipv6 : host.ipv4,
      .server_ip = v6 ? server.ipv6 : server.ipv4,
      .server_port = port,
      .rtt_ns = server.rtt_ns,
      .server_ttl = server.ttl,
      .server_mss = static_cast<std::uint16_t>(v6 ? server.mss - 20 : server.mss),
      .server_window_scale = server.window_scale,
      .server_syn_window = server.syn_window,
      .server_window = server.window,
      .server_timestamps = server.timestamps,
      .bottleneck_bps = server.bottleneck_bps,
  };
}

TcpSession::TcpSession(const TcpEndpoints& endpoints, Rng& rng) : ends_(endpoints) {
  const Host& host = *ends_.client;
  to_server_ = EthernetSpec{.src = host.mac, .dst = ends_.peer_mac, .vlan = host.vlan};
  to_client_ = EthernetSpec{.src = ends_.peer_mac, .dst = host.mac, .vlan = host.vlan};
  client_seq_ = rng.next_u32();
  server_seq_ = rng.next_u32();
  client_ts_base_ = rng.next_u32();
  server_ts_base_ = rng.next_u32();
  client_ip_id_ = rng.next_u16();
  server_ip_id_ = rng.next_u16();
  client_flow_label_ = rng.next_u32() & 0xfffff;
  server_flow_label_ = rng.next_u32() & 0xfffff;
  const StackProfile& p = host.profile();
  timestamps_ = p.timestamps && ends_.server_timestamps;
  const bool v6 = ends_.client_ip.family == IpFamily::kV6;
  const std::uint32_t client_mss = v6 ? 1440 : 1460;
  segment_size_ =
      std::min<std::uint32_t>(client_mss, ends_.server_mss) - (timestamps_ ? kTimestampOption : 0);
  // Keep what the server has in flight well inside the client's receive window.
  const std::uint32_t window_bytes = std::uint32_t{p.window} << p.window_scale;
  cwnd_cap_ = std::clamp<std::uint32_t>(window_bytes / segment_size_ - 2, kInitialWindow, 40);
}

std::int64_t TcpSession::rtt(Rng& rng) const noexcept {
  // Queueing only ever adds delay.
  return ends_.rtt_ns + static_cast<std::int64_t>(static_cast<double>(ends_.rtt_ns) * 0.15 * rng.unit());
}

std::int64_t TcpSession::server_gap(std::size_t segment_bytes, Rng& rng) const noexcept {
  const double wire_bits = static_cast<double>(segment_bytes + 54 + 24) * 8.0;  // headers, preamble, gap
  const double ns = wire_bits * 1e9 / static_cast<double>(ends_.bottleneck_bps);
  return static_cast<std::int64_t>(ns * (1.0 + 0.2 * rng.unit())) + 1;
}

std::size_t TcpSession::emit(SessionContext& ctx, TcpSide from, std::uint8_t flags, std::size_t payload,
                             std::int64_t now_ns) {
  const bool client = from == TcpSide::kClient;
  const bool syn = (flags & TcpSpec::kSyn) != 0;
  const bool rst = (flags & TcpSpec::kRst) != 0;
  Host& host = *ends_.client;
  const StackProfile& profile = host.profile();
  const bool v6 = ends_.client_ip.family == IpFamily::kV6;

  TcpSpec tcp;
  tcp.src_port = client ? local_port_ : ends_.server_port;
  tcp.dst_port = client ? ends_.server_port : local_port_;
  tcp.seq = client ? client_seq_ : server_seq_;
  tcp.ack = (flags & TcpSpec::kAck) != 0 ? (client ? server_seq_ : client_seq_) : 0;
  tcp.flags = flags;
  if (rst) {
    tcp.window = 0;
  } else if (syn) {
    tcp.window = client ? profile.syn_window : ends_.server_syn_window;
  } else {
    tcp.window = client ? profile.window : ends_.server_window;
  }
  // Linux stamps timestamps in milliseconds since an arbitrary per-connection base.
  const auto ms = static_cast<std::uint32_t>((now_ns - start_ns_) / kMs);
  const bool client_offers_ts = profile.timestamps;
  if (syn) {
    TcpOptions& o = tcp.options;
    o.mss = client ? static_cast<std::uint16_t>(v6 ? 1440 : 1460) : ends_.server_mss;
    o.sack_permitted = sack_;
    o.window_scale = client ? profile.window_scale : ends_.server_window_scale;
    o.timestamps = client ? client_offers_ts : timestamps_;
  } else if (timestamps_ && !rst) {
    tcp.options.timestamps = true;
  }
  if (tcp.options.timestamps) {
    tcp.options.ts_val = (client ? client_ts_base_ : server_ts_base_) + ms;
    tcp.options.ts_ecr = client ? server_ts_last_ : client_ts_last_;
    (client ? client_ts_last_ : server_ts_last_) = tcp.options.ts_val;
  }

  IpSpec ip;
  ip.src = client ? ends_.client_ip : ends_.server_ip;
  ip.dst = client ? ends_.server_ip : ends_.client_ip;
  ip.ttl = client ? profile.ttl : ends_.server_ttl;
  ip.flow_label = client ? client_flow_label_ : server_flow_label_;
  if (client) {
    // Windows numbers IPv4 packets with one counter per host; Linux and macOS per connection.
    ip.id = host.os == HostOs::kWindows ? host.ip_id++ : client_ip_id_++;
  } else {
    ip.id = server_ip_id_++;
  }

  const std::size_t size =
      ctx.frames.tcp(client ? to_server_ : to_client_, ip, tcp, ctx.payload.first(payload));
  const auto advance =
      static_cast<std::uint32_t>(payload + ((flags & (TcpSpec::kSyn | TcpSpec::kFin)) != 0 ? 1 : 0));
  (client ? client_seq_ : server_seq_) += advance;
  (client ? last_client_ns_ : last_server_ns_) = now_ns;
  // Anything the server sends acknowledges all client data so far.
  if (!client) client_segments_ = 0;
  return size;
}

SessionStep TcpSession::step(SessionContext& ctx, std::int64_t now_ns) {
  Rng& rng = ctx.rng;
  switch (phase_) {
    case Phase::kSyn: {
      start_ns_ = now_ns;
      local_port_ = ends_.client->allocate_port();
      ctx.count_flow();
      const std::size_t size = emit(ctx, TcpSide::kClient, TcpSpec::kSyn, 0, now_ns);
      phase_ = refused_ ? Phase::kRefuse : Phase::kSynAck;
      return {size, now_ns + rtt(rng)};
    }
    case Phase::kRefuse: {
      // RFC 9293 3.10.7.1: a closed port answers a SYN with seq 0 and the SYN acknowledged.
      server_seq_ = 0;
      const std::size_t size = emit(ctx, TcpSide::kServer, TcpSpec::kRst | TcpSpec::kAck, 0, now_ns);
      return {size, kNever};
    }
    case Phase::kSynAck: {
      const std::size_t size = emit(ctx, TcpSide::kServer, TcpSpec::kSyn | TcpSpec::kAck, 0, now_ns);
      phase_ = Phase::kHandshakeAck;
      return {size, now_ns + rng.between(30 * kUs, 250 * kUs)};
    }
    case Phase::kHandshakeAck: {
      const std::size_t size = emit(ctx, TcpSide::kClient, TcpSpec::kAck, 0, now_ns);
      last_from_server_ = false;
      return {size, plan(ctx, now_ns)};
    }
    case Phase::kClientData: {
      const std::uint32_t len = std::min(segment_size_, message_.size - offset_);
      fill(ctx, offset_, ctx.payload.first(len));
      offset_ += len;
      const bool last = offset_ == message_.size;
      const std::size_t size =
          emit(ctx, TcpSide::kClient, static_cast<std::uint8_t>(TcpSpec::kAck | (last ? TcpSpec::kPsh : 0)),
               len, now_ns);
      ++client_segments_;
      if (!last) return {size, now_ns + rng.between(8 * kUs, 25 * kUs)};
      last_from_server_ = false;
      return {size, plan(ctx, now_ns)};
    }
    case Phase::kServerAck: {
      const std::size_t size = emit(ctx, TcpSide::kServer, TcpSpec::kAck, 0, now_ns);
      return {size, begin_message(now_ns, rng)};
    }
    case Phase::kServerData: {
      const std::uint32_t len = std::min(segment_size_, message_.size - offset_);
      fill(ctx, offset_, ctx.payload.first(len));
      offset_ += len;
      const bool last = offset_ == message_.size;
      const std::size_t size =
          emit(ctx, TcpSide::kServer, static_cast<std::uint8_t>(TcpSpec::kAck | (last ? TcpSpec::kPsh : 0)),
               len, now_ns);
      ++since_ack_;
      --round_left_;
      next_segment_ns_ = now_ns + server_gap(len, rng);
      if (since_ack_ == 2 || last || round_left_ == 0) {
        phase_ = Phase::kClientAck;
        return {size, now_ns + ack_delay(rng)};
      }
      return {size, next_segment_ns_};
    }
    case Phase::kClientAck: {
      const std::size_t size = emit(ctx, TcpSide::kClient, TcpSpec::kAck, 0, now_ns);
      since_ack_ = 0;
      if (round_first_ack_ns_ < 0) round_first_ack_ns_ = now_ns;
      if (offset_ == message_.size) {
        last_from_server_ = true;
        return {size, plan(ctx, now_ns)};
      }
      phase_ = Phase::kServerData;
      if (round_left_ == 0) {
        // The first ACK of the round reached the server half a round trip later; its answer,
        // a doubled window, arrives a full round trip after that ACK.
        cwnd_ = std::min(cwnd_ * 2, cwnd_cap_);
        const std::uint32_t remaining = (message_.size - offset_ + segment_size_ - 1) / segment_size_;
        round_left_ = std::min(cwnd_, remaining);
        const std::int64_t at = std::max(round_first_ack_ns_ + rtt(rng), next_segment_ns_);
        round_first_ack_ns_ = -1;
        return {size, at};
      }
      return {size, next_segment_ns_};
    }
    case Phase::kClose1: {
      switch (message_.close) {
        case TcpClose::kClientFin: {
          const std::size_t size = emit(ctx, TcpSide::kClient, TcpSpec::kFin | TcpSpec::kAck, 0, now_ns);
          phase_ = Phase::kClose2;
          return {size, now_ns + rtt(rng) + rng.between(10 * kUs, 200 * kUs)};
        }
        case TcpClose::kServerFin: {
          const std::size_t size = emit(ctx, TcpSide::kServer, TcpSpec::kFin | TcpSpec::kAck, 0, now_ns);
          phase_ = Phase::kClose2;
          return {size, now_ns + rng.between(50 * kUs, 1 * kMs)};
        }
        case TcpClose::kClientRst:
          return {emit(ctx, TcpSide::kClient, TcpSpec::kRst | TcpSpec::kAck, 0, now_ns), kNever};
        case TcpClose::kServerRst:
        case TcpClose::kNone:
          return {emit(ctx, TcpSide::kServer, TcpSpec::kRst | TcpSpec::kAck, 0, now_ns), kNever};
      }
      return {0, kNever};
    }
    case Phase::kClose2: {
      const bool client_closed = message_.close == TcpClose::kClientFin;
      const std::size_t size = emit(ctx, client_closed ? TcpSide::kServer : TcpSide::kClient,
                                    TcpSpec::kFin | TcpSpec::kAck, 0, now_ns);
      phase_ = Phase::kClose3;
      return {size, now_ns + (client_closed ? ack_delay(rng) : rtt(rng))};
    }
    case Phase::kClose3: {
      const bool client_closed = message_.close == TcpClose::kClientFin;
      return {emit(ctx, client_closed ? TcpSide::kClient : TcpSide::kServer, TcpSpec::kAck, 0, now_ns),
              kNever};
    }
  }
  return {0, kNever};
}

std::int64_t TcpSession::plan(SessionContext& ctx, std::int64_t now_ns) {
  message_ = TcpMessage{};
  next_message(ctx, now_ns, message_);
  offset_ = 0;
  if (message_.close == TcpClose::kNone && message_.size == 0) message_.close = TcpClose::kClientFin;
  plan_ns_ = now_ns;
  // The server acknowledges client data on its own when it holds two segments or more, or when
  // its delayed-ACK timer fires before anything else goes back; otherwise the ACK rides on its
  // next packet.
  if (client_segments_ >= 2 || (client_segments_ > 0 && message_.delay_ns > kDelayedAck)) {
    phase_ = Phase::kServerAck;
    const std::int64_t wait = client_segments_ >= 2 ? ack_delay(ctx.rng) : kDelayedAck;
    return std::max(last_client_ns_ + rtt(ctx.rng) + wait, now_ns);
  }
  return begin_message(now_ns, ctx.rng);
}

std::int64_t TcpSession::begin_message(std::int64_t now_ns, Rng& rng) {
  const TcpMessage& m = message_;
  const bool server = m.close == TcpClose::kNone
                          ? m.from == TcpSide::kServer
                          : m.close == TcpClose::kServerFin || m.close == TcpClose::kServerRst;
  std::int64_t at = 0;
  if (!server) {
    // The client reacts to what it had received when the previous message ended.
    at = std::max(plan_ns_ + m.delay_ns, now_ns + 1);
  } else if (!last_from_server_) {
    // The server reacts to the client's last packet: half a round trip there, think, half back.
    at = std::max(last_client_ns_ + rtt(rng) + m.delay_ns, now_ns + 1);
  } else {
    at = std::max(last_server_ns_ + m.delay_ns, now_ns + 1);
  }
  at = std::max(at, now_ns);
  if (m.close != TcpClose::kNone) {
    phase_ = Phase::kClose1;
  } else if (server) {
    phase_ = Phase::kServerData;
    since_ack_ = 0;
    round_first_ack_ns_ = -1;
    const std::uint32_t segments = (m.size + segment_size_ - 1) / segment_size_;
    round_left_ = std::min(cwnd_, segments);
  } else {
    phase_ = Phase::kClientData;
  }
  return at;
}

}  // namespace nta
