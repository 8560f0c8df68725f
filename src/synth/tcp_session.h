#pragma once
// One TCP connection as a small state machine: handshake with options, the application's messages
// cut into MSS-sized segments with exact sequence and acknowledgement numbers, slow-start rounds
// with the client acknowledging every second segment, and a FIN or RST teardown. Subclasses
// supply the application: what each side sends, when, and the bytes.
//
// Timing is seen from a capture point on the LAN: client packets are stamped when sent, server
// packets when they arrive, so a server's answer lands one round trip after what triggered it.
#include <cstdint>
#include <span>

#include "core/ip_address.h"
#include "synth/frame_builder.h"
#include "synth/network.h"
#include "synth/session.h"

namespace nta {

enum class TcpSide : std::uint8_t { kClient, kServer };
enum class TcpClose : std::uint8_t { kNone, kClientFin, kServerFin, kClientRst, kServerRst };

// The next thing the application does: `size` bytes from one side after `delay_ns` of thinking,
// or, when close is set, the teardown (after delay_ns).
struct TcpMessage {
  TcpSide from = TcpSide::kClient;
  std::uint32_t size = 0;
  std::int64_t delay_ns = 0;
  TcpClose close = TcpClose::kNone;
};

// Who talks to whom, and how the far side's stack behaves.
struct TcpEndpoints {
  Host* client = nullptr;
  MacAddress peer_mac{};  // the gateway for outside servers, the host itself on the LAN
  IpAddress client_ip{};
  IpAddress server_ip{};
  std::uint16_t server_port = 0;
  std::int64_t rtt_ns = 1'000'000;
  std::uint8_t server_ttl = 64;
  std::uint16_t server_mss = 1460;
  std::int8_t server_window_scale = 7;
  std::uint16_t server_syn_window = 65535;
  std::uint16_t server_window = 501;
  bool server_timestamps = true;
  std::uint32_t bottleneck_bps = 100'000'000;
};

// Endpoints of a connection from `host` to an outside server, over IPv6 when asked (and possible).
TcpEndpoints outside_endpoints(Network& network, Host& host, const Server& server, bool ipv6,
                               std::uint16_t port);

class TcpSession : public Session {
 public:
  TcpSession(const TcpEndpoints& endpoints, Rng& rng);
  SessionStep step(SessionContext& ctx, std::int64_t now_ns) final;

 protected:
  // The application's next move; called after the handshake and after each message completes.
  virtual void next_message(SessionContext& ctx, std::int64_t now_ns, TcpMessage& message) = 0;
  // Writes bytes [offset, offset + out.size()) of the current message into `out`.
  virtual void fill(SessionContext& ctx, std::uint32_t offset, std::span<std::uint8_t> out) = 0;
  // A refused connection (closed port) answers the SYN with RST and never calls the above.
  void refuse() noexcept { refused_ = true; }

  // Payload bytes of a full segment, known once the handshake settled the MSS and options.
  [[nodiscard]] std::uint32_t segment_size() const noexcept { return segment_size_; }
  [[nodiscard]] const TcpEndpoints& endpoints() const noexcept { return ends_; }

 private:
  enum class Phase : std::uint8_t {
    kSyn,
    kSynAck,
    kRefuse,
    kHandshakeAck,
    kClientData,
    kServerAck,
    kServerData,
    kClientAck,
    kClose1,
    kClose2,
    kClose3,
  };

  std::size_t emit(SessionContext& ctx, TcpSide from, std::uint8_t flags, std::size_t payload,
                   std::int64_t now_ns);
  std::int64_t plan(SessionContext& ctx, std::int64_t now_ns);
  std::int64_t begin_message(std::int64_t now_ns, Rng& rng);
  std::int64_t rtt(Rng& rng) const noexcept;
  std::int64_t server_gap(std::size_t segment_bytes, Rng& rng) const noexcept;

  TcpEndpoints ends_;
  EthernetSpec to_server_;
  EthernetSpec to_client_;
  Phase phase_ = Phase::kSyn;
  bool refused_ = false;
  bool timestamps_ = false;
  bool sack_ = true;
  bool last_from_server_ = false;  // who sent the previous message (the handshake counts as client)
  TcpMessage message_;
  std::uint32_t offset_ = 0;  // bytes of message_ sent so far
  std::uint32_t segment_size_ = 0;
  std::uint32_t client_segments_ = 0;  // client data segments the server has not acknowledged

  std::uint32_t client_seq_ = 0;
  std::uint32_t server_seq_ = 0;
  std::uint32_t client_ts_base_ = 0;
  std::uint32_t server_ts_base_ = 0;
  std::uint32_t client_ts_last_ = 0;
  std::uint32_t server_ts_last_ = 0;
  std::uint16_t client_ip_id_ = 0;
  std::uint16_t server_ip_id_ = 0;
  std::uint32_t client_flow_label_ = 0;
  std::uint32_t server_flow_label_ = 0;
  std::uint16_t local_port_ = 0;
  std::int64_t start_ns_ = -1;
  std::int64_t last_client_ns_ = 0;
  std::int64_t last_server_ns_ = 0;
  std::int64_t plan_ns_ = 0;  // when the previous message ended

  // Server data in slow-start rounds.
  std::uint32_t cwnd_ = 10;
  std::uint32_t cwnd_cap_ = 40;
  std::uint32_t round_left_ = 0;
  std::uint32_t since_ack_ = 0;
  std::int64_t round_first_ack_ns_ = -1;
  std::int64_t next_segment_ns_ = 0;
};

}  // namespace nta
