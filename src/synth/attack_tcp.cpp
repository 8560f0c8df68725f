#include "synth/attack_tcp.h"

#include <algorithm>
#include <cstring>

#include "synth/attack_session.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kUs;

constexpr std::int64_t kDelayedAck = 40 * kMs;
constexpr std::uint32_t kTimestampOption = 12;

constexpr TcpSide other(TcpSide side) noexcept {
  return side == TcpSide::kClient ? TcpSide::kServer : TcpSide::kClient;
}
constexpr std::size_t slot(TcpSide side) noexcept {
  return side == TcpSide::kClient ? 0 : 1;
}

}  // namespace

TcpStack host_stack(const Host& host) noexcept {
  const StackProfile& p = host.profile();
  return TcpStack{.ttl = p.ttl,
                  .syn_window = p.syn_window,
                  .window = p.window,
                  .window_scale = p.window_scale,
                  .timestamps = p.timestamps,
                  .sack = true,
                  .mss = 1460};
}

TcpStack internet_linux_stack(Rng& rng) noexcept {
  return TcpStack{.ttl = static_cast<std::uint8_t>(rng.between(44, 54)),
                  .syn_window = 64240,
                  .window = 502,
                  .window_scale = 7,
                  .timestamps = true,
                  .sack = true,
                  .mss = 1460};
}

TcpStack internet_windows_stack(Rng& rng) noexcept {
  return TcpStack{.ttl = static_cast<std::uint8_t>(rng.between(108, 118)),
                  .syn_window = 64240,
                  .window = 1026,
                  .window_scale = 8,
                  .timestamps = false,
                  .sack = true,
                  .mss = 1460};
}

TcpEnd lan_end(const Host& host, std::uint16_t port) noexcept {
  return TcpEnd{.mac = host.mac,
                .ip = host.ipv4,
                .port = port,
                .stack = host_stack(host),
                .turn_ns = 60 * kUs,
                .turn_spread_ns = 260 * kUs};
}

TcpEnd outside_end(const Network& network, const IpAddress& ip, std::uint16_t port, const TcpStack& stack,
                   std::int64_t rtt_ns) noexcept {
  return TcpEnd{.mac = network.gateway_mac(),
                .ip = ip,
                .port = port,
                .stack = stack,
                .turn_ns = rtt_ns,
                .turn_spread_ns = rtt_ns / 6};
}

TcpWire::TcpWire(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng) noexcept
    : end_{client, server}, vlan_(vlan) {
  for (std::size_t i = 0; i < 2; ++i) {
    seq_[i] = rng.next_u32();
    ts_base_[i] = rng.next_u32();
    ip_id_[i] = rng.next_u16();
  }
}

std::uint32_t TcpWire::segment_size() const noexcept {
  const bool ts = end_[0].stack.timestamps && end_[1].stack.timestamps;
  return std::min(end_[0].stack.mss, end_[1].stack.mss) - (ts ? kTimestampOption : 0);
}

std::int64_t TcpWire::reaction(TcpSide side, std::int64_t seen_ns, Rng& rng) const noexcept {
  const TcpEnd& e = end_[slot(side)];
  return seen_ns + e.turn_ns + rng.between(0, e.turn_spread_ns);
}

std::size_t TcpWire::send(FrameBuilder& frames, TcpSide from, std::uint8_t flags,
                          std::span<const std::uint8_t> payload, std::int64_t now_ns,
                          std::optional<std::uint32_t> ack) noexcept {
  const std::size_t me = slot(from);
  const std::size_t peer = 1 - me;
  if (start_ns_ < 0) start_ns_ = now_ns;
  const TcpEnd& e = end_[me];
  const TcpStack& mine = e.stack;
  const TcpStack& theirs = end_[peer].stack;
  const bool syn = (flags & TcpSpec::kSyn) != 0;
  const bool rst = (flags & TcpSpec::kRst) != 0;
  const bool both_ts = mine.timestamps && theirs.timestamps;
  const bool both_ws = mine.window_scale >= 0 && theirs.window_scale >= 0;

  TcpSpec tcp;
  tcp.src_port = e.port;
  tcp.dst_port = end_[peer].port;
  tcp.seq = seq_[me];
  tcp.ack = (flags & TcpSpec::kAck) != 0 ? ack.value_or(seq_[peer]) : 0;
  tcp.flags = flags;
  tcp.window = rst ? 0 : syn ? mine.syn_window : both_ws ? mine.window : mine.syn_window;
  if (syn) {
    TcpOptions& o = tcp.options;
    o.mss = mine.mss;
    // A SYN-ACK only answers what the SYN offered.
    const bool answering = (flags & TcpSpec::kAck) != 0;
    o.sack_permitted = answering ? mine.sack && theirs.sack : mine.sack;
    o.timestamps = answering ? both_ts : mine.timestamps;
    o.window_scale = answering ? (both_ws ? mine.window_scale : std::int8_t{-1}) : mine.window_scale;
  } else if (both_ts && !rst) {
    tcp.options.timestamps = true;
  }
  if (tcp.options.timestamps) {
    tcp.options.ts_val = ts_base_[me] + static_cast<std::uint32_t>((now_ns - start_ns_) / kMs);
    tcp.options.ts_ecr = ts_last_[peer];
    ts_last_[me] = tcp.options.ts_val;
  }
  const IpSpec ip{.src = e.ip, .dst = end_[peer].ip, .ttl = mine.ttl, .id = ip_id_[me]++};
  const EthernetSpec eth{.src = e.mac, .dst = end_[peer].mac, .vlan = vlan_};
  const std::size_t size = frames.tcp(eth, ip, tcp, payload);
  seq_[me] +=
      static_cast<std::uint32_t>(payload.size()) + ((flags & (TcpSpec::kSyn | TcpSpec::kFin)) != 0 ? 1 : 0);
  return size;
}

std::size_t TcpWire::refuse(FrameBuilder& frames, std::int64_t now_ns) noexcept {
  seq_[1] = 0;
  return send(frames, TcpSide::kServer, TcpSpec::kRst | TcpSpec::kAck, {}, now_ns);
}

// ---- ScriptedTcpSession ------------------------------------------------------------------------

void ScriptedTcpSession::fill(SessionContext&, std::uint32_t offset, std::span<std::uint8_t> out) {
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  if (offset >= composed_.size()) return;
  const std::size_t n = std::min(out.size(), composed_.size() - offset);
  std::memcpy(out.data(), composed_.data() + offset, n);
}

SessionStep ScriptedTcpSession::result(std::size_t size) const noexcept {
  const std::int64_t ack = acks_.empty() ? kNever : acks_.front().at_ns;
  return {size, std::min(ack, event_ns_)};
}

void ScriptedTcpSession::queue_ack(TcpSide from, std::int64_t at_ns, std::uint32_t ack) {
  if (!acks_.empty()) at_ns = std::max(at_ns, acks_.back().at_ns + 1 * kUs);
  acks_.push_back(PendingAck{at_ns, from, ack});
}

SessionStep ScriptedTcpSession::step(SessionContext& ctx, std::int64_t now_ns) {
  Rng& rng = ctx.rng;
  switch (phase_) {
    case Phase::kSyn: {
      ctx.count_flow();
      const std::size_t size = wire_.send(ctx.frames, TcpSide::kClient, TcpSpec::kSyn, {}, now_ns);
      last_ns_[0] = now_ns;
      phase_ = Phase::kSynAck;
      return {size, wire_.reaction(TcpSide::kServer, now_ns, rng)};
    }
    case Phase::kSynAck: {
      const std::size_t size =
          wire_.send(ctx.frames, TcpSide::kServer, TcpSpec::kSyn | TcpSpec::kAck, {}, now_ns);
      last_ns_[1] = now_ns;
      phase_ = Phase::kHandshakeAck;
      return {size, wire_.reaction(TcpSide::kClient, now_ns, rng)};
    }
    case Phase::kHandshakeAck: {
      const std::size_t size = wire_.send(ctx.frames, TcpSide::kClient, TcpSpec::kAck, {}, now_ns);
      last_ns_[0] = now_ns;
      phase_ = Phase::kRun;
      msg_.from = TcpSide::kClient;
      plan(ctx, now_ns);
      return result(size);
    }
    case Phase::kRun:
      return result(run_event(ctx, now_ns));
  }
  return {0, kNever};
}

void ScriptedTcpSession::plan(SessionContext& ctx, std::int64_t now_ns) {
  Rng& rng = ctx.rng;
  const TcpSide prev = msg_.from;
  composed_.clear();
  ScriptStep s = next_step(ctx);
  if (s.close == TcpClose::kNone && s.size == 0) s.close = TcpClose::kClientFin;
  if (s.close != TcpClose::kNone) {
    s.from = s.close == TcpClose::kServerFin || s.close == TcpClose::kServerRst ? TcpSide::kServer
                                                                                : TcpSide::kClient;
  }
  const TcpSide from = s.from;
  const std::int64_t seen = last_ns_[slot(other(from))];
  std::int64_t at = std::max(last_ns_[slot(from)], wire_.reaction(from, seen, rng)) + s.delay_ns;
  at = std::max(at, now_ns + 1 * kUs);

  // The receiver's ACK of the previous message's odd last segment: it rides on its answer if that
  // comes soon, the sender's next segment prompts it, or the delayed-ACK timer sends it.
  if (unacked_ > 0) {
    const TcpSide receiver = other(prev);
    const bool answers_soon = from == receiver && s.delay_ns <= kDelayedAck;
    const bool sender_goes_on = from == prev && s.close == TcpClose::kNone && s.delay_ns < kDelayedAck;
    const bool teardown_acks = from == prev && s.close != TcpClose::kNone;
    if (!answers_soon && !teardown_acks && !sender_goes_on) {
      queue_ack(receiver, wire_.reaction(receiver, last_ns_[slot(prev)], rng) + kDelayedAck,
                wire_.next_seq(prev));
    }
    if (!sender_goes_on) unacked_ = 0;
  }
  msg_ = s;
  offset_ = 0;
  close_stage_ = s.close == TcpClose::kNone ? 0 : 1;
  event_ns_ = at;
}

std::size_t ScriptedTcpSession::run_event(SessionContext& ctx, std::int64_t now_ns) {
  Rng& rng = ctx.rng;
  if (!acks_.empty() && acks_.front().at_ns <= event_ns_) {
    const PendingAck a = acks_.front();
    acks_.pop_front();
    last_ns_[slot(a.from)] = now_ns;
    return wire_.send(ctx.frames, a.from, TcpSpec::kAck, {}, now_ns, a.ack);
  }
  // Whatever a side sends now acknowledges all it has seen: its queued ACKs are moot.
  const auto drop_acks_of = [this](TcpSide side) {
    std::erase_if(acks_, [side](const PendingAck& a) { return a.from == side; });
  };
  const TcpSide from = msg_.from;
  const TcpSide to = other(from);
  if (close_stage_ == 0) {
    const std::uint32_t len = std::min(wire_.segment_size(), msg_.size - offset_);
    const std::span<std::uint8_t> out = ctx.payload.first(len);
    fill(ctx, offset_, out);
    offset_ += len;
    const bool last = offset_ == msg_.size;
    drop_acks_of(from);
    const std::size_t size = wire_.send(
        ctx.frames, from, static_cast<std::uint8_t>(TcpSpec::kAck | (last ? TcpSpec::kPsh : 0)), out, now_ns);
    last_ns_[slot(from)] = now_ns;
    if (++unacked_ == 2) {
      // ACKs of a stream of segments keep their spacing: the path adds little jitter between them.
      const TcpEnd& receiver = wire_.end(to);
      queue_ack(to, now_ns + receiver.turn_ns + rng.between(0, receiver.turn_spread_ns / 16),
                wire_.next_seq(from));
      unacked_ = 0;
    }
    if (!last) {
      if (msg_.pace_bps == 0) {
        event_ns_ = now_ns + rng.between(8 * kUs, 25 * kUs);
      } else {
        const double bits = static_cast<double>(len + 54 + 24) * 8.0;
        event_ns_ = now_ns +
                    static_cast<std::int64_t>(bits * 1e9 / static_cast<double>(msg_.pace_bps) *
                                              (1.0 + 0.1 * rng.unit())) +
                    1;
      }
    } else {
      plan(ctx, now_ns);
    }
    return size;
  }
  // Teardown: `from` is the side that closes.
  std::size_t size = 0;
  switch (close_stage_) {
    case 1:
      drop_acks_of(from);
      if (msg_.close == TcpClose::kClientRst || msg_.close == TcpClose::kServerRst) {
        acks_.clear();
        size = wire_.send(ctx.frames, from, TcpSpec::kRst | TcpSpec::kAck, {}, now_ns);
        close_stage_ = 4;
        event_ns_ = kNever;
        break;
      }
      size = wire_.send(ctx.frames, from, TcpSpec::kFin | TcpSpec::kAck, {}, now_ns);
      last_ns_[slot(from)] = now_ns;
      close_stage_ = 2;
      event_ns_ = wire_.reaction(to, now_ns, rng) + rng.between(10 * kUs, 200 * kUs);
      break;
    case 2:
      drop_acks_of(to);
      size = wire_.send(ctx.frames, to, TcpSpec::kFin | TcpSpec::kAck, {}, now_ns);
      last_ns_[slot(to)] = now_ns;
      close_stage_ = 3;
      event_ns_ = wire_.reaction(from, now_ns, rng);
      break;
    default:
      size = wire_.send(ctx.frames, from, TcpSpec::kAck, {}, now_ns);
      close_stage_ = 4;
      event_ns_ = kNever;
      break;
  }
  return size;
}

}  // namespace nta
