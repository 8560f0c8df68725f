#pragma once
// TCP for attack scenarios, where either end may be the LAN host and the outside party may open
// the connection: TcpWire keeps both ends' sequence numbers, options, timestamps and IP ids and
// builds their segments; ScriptedTcpSession plays a whole connection from a script of messages
// (handshake, data with the receiver's ACKs, FIN or RST teardown).
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "core/ip_address.h"
#include "synth/frame_builder.h"
#include "synth/network.h"
#include "synth/session.h"
#include "synth/tcp_session.h"

namespace nta {

// How one end's TCP/IP stack writes its packets.
struct TcpStack {
  std::uint8_t ttl = 64;  // as the packets cross the LAN
  std::uint16_t syn_window = 64240;
  std::uint16_t window = 502;    // after the handshake, scaled by window_scale
  std::int8_t window_scale = 7;  // -1: not offered
  bool timestamps = true;        // offered on the SYN
  bool sack = true;              // SACK-permitted on the SYN
  std::uint16_t mss = 1460;
};

// One end as the capture point sees it.
struct TcpEnd {
  MacAddress mac;  // source MAC of its frames on the LAN: the gateway's for an outside end
  IpAddress ip;
  std::uint16_t port = 0;
  TcpStack stack;
  // How long after the other end's packet passes the capture point this end's reaction passes
  // it: a LAN host's turnaround, or the round trip to an outside end. Each use adds up to
  // turn_spread_ns at random.
  std::int64_t turn_ns = 60'000;
  std::int64_t turn_spread_ns = 260'000;
};

[[nodiscard]] TcpStack host_stack(const Host& host) noexcept;
// Stacks far away on the Internet as their packets arrive: defaults of Linux or Windows, with the
// TTL worn down by the hops.
[[nodiscard]] TcpStack internet_linux_stack(Rng& rng) noexcept;
[[nodiscard]] TcpStack internet_windows_stack(Rng& rng) noexcept;
[[nodiscard]] TcpEnd lan_end(const Host& host, std::uint16_t port) noexcept;
// An outside end `rtt_ns` away, reached through the gateway.
[[nodiscard]] TcpEnd outside_end(const Network& network, const IpAddress& ip, std::uint16_t port,
                                 const TcpStack& stack, std::int64_t rtt_ns) noexcept;

class TcpWire {
 public:
  TcpWire(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng) noexcept;

  // One segment from `from`. A SYN carries the sender's options, a SYN-ACK the ones the SYN
  // offered; later segments carry timestamps when both ends offered them; RSTs carry none. The
  // ack field acknowledges everything the other end sent, unless `ack` is given.
  std::size_t send(FrameBuilder& frames, TcpSide from, std::uint8_t flags,
                   std::span<const std::uint8_t> payload, std::int64_t now_ns,
                   std::optional<std::uint32_t> ack = std::nullopt) noexcept;
  // A closed port's answer to the client's SYN: RST/ACK with sequence number 0 (RFC 9293 3.10.7.1).
  std::size_t refuse(FrameBuilder& frames, std::int64_t now_ns) noexcept;

  [[nodiscard]] std::uint32_t next_seq(TcpSide side) const noexcept { return seq_[index(side)]; }
  // Payload bytes of a full segment once the handshake settled MSS and options.
  [[nodiscard]] std::uint32_t segment_size() const noexcept;
  [[nodiscard]] const TcpEnd& end(TcpSide side) const noexcept { return end_[index(side)]; }
  // When `side`'s reaction to a packet the other end sent at `seen_ns` passes the capture point.
  [[nodiscard]] std::int64_t reaction(TcpSide side, std::int64_t seen_ns, Rng& rng) const noexcept;

 private:
  static constexpr std::size_t index(TcpSide side) noexcept { return side == TcpSide::kClient ? 0 : 1; }

  TcpEnd end_[2];
  std::uint16_t vlan_ = 0;
  std::uint32_t seq_[2]{};
  std::uint32_t ts_base_[2]{};
  std::uint32_t ts_last_[2]{};
  std::uint16_t ip_id_[2]{};
  std::int64_t start_ns_ = -1;
  bool syn_seen_ = false;
};

// The next thing a scripted connection does.
struct ScriptStep {
  TcpSide from = TcpSide::kClient;
  std::uint32_t size = 0;            // message bytes; 0 without `close` ends the script (client FIN)
  std::int64_t delay_ns = 0;         // thinking, after the sender saw the other end's last packet
  TcpClose close = TcpClose::kNone;  // set: the teardown instead of a message
  std::uint64_t pace_bps = 0;        // the sender's line rate for long messages; 0: back to back
};

class ScriptedTcpSession : public Session {
 public:
  ScriptedTcpSession(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng) noexcept
      : wire_(client, server, vlan, rng) {}
  SessionStep step(SessionContext& ctx, std::int64_t now_ns) final;

 protected:
  // Called after the handshake and after each message.
  virtual ScriptStep next_step(SessionContext& ctx) = 0;
  // Bytes [offset, offset + out.size()) of the current message; by default from composed_, which
  // next_step may fill with the whole message.
  virtual void fill(SessionContext& ctx, std::uint32_t offset, std::span<std::uint8_t> out);

  [[nodiscard]] const TcpWire& wire() const noexcept { return wire_; }
  [[nodiscard]] std::uint32_t composed_size() const noexcept {
    return static_cast<std::uint32_t>(composed_.size());
  }
  std::vector<std::uint8_t> composed_;

 private:
  enum class Phase : std::uint8_t { kSyn, kSynAck, kHandshakeAck, kRun };
  struct PendingAck {
    std::int64_t at_ns;
    TcpSide from;
    std::uint32_t ack;
  };

  void plan(SessionContext& ctx, std::int64_t now_ns);
  void queue_ack(TcpSide from, std::int64_t at_ns, std::uint32_t ack);
  std::size_t run_event(SessionContext& ctx, std::int64_t now_ns);
  [[nodiscard]] SessionStep result(std::size_t size) const noexcept;

  TcpWire wire_;
  Phase phase_ = Phase::kSyn;
  ScriptStep msg_;
  std::uint32_t offset_ = 0;
  std::int64_t event_ns_ = kNever;  // next segment of the message, or next teardown stage
  int close_stage_ = 0;             // 1: the closer's FIN/RST, 2: the other FIN, 3: the last ACK
  int unacked_ = 0;                 // segments of the current sender the receiver has not acknowledged
  std::int64_t last_ns_[2]{};
  std::deque<PendingAck> acks_;
};

}  // namespace nta
