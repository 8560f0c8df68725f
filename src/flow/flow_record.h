#pragma once
// One bidirectional flow as the flow table keeps it and emits it (Zeek's conn.log record, plus
// TCP flag counts, initial windows and the Community ID). A flat, fixed-size value: no pointers.
// docs/flows.md defines every field.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/timestamp.h"
#include "flow/flow_key.h"

namespace nta {

// Zeek's TCP endpoint states (TCP_ENDPOINT_*), from which conn_state is derived.
enum class TcpEndpointState : std::uint8_t {
  kInactive,     // nothing seen from this endpoint (or only packets that do not set a state)
  kSynSent,      // sent a SYN
  kSynAckSent,   // (originator only) sent a SYN-ACK as its first packet
  kPartial,      // sent packets of a connection whose start was not seen
  kEstablished,  // handshake seen (or inferred)
  kClosed,       // sent a FIN
  kReset,        // sent a RST
};

// Zeek's conn_state vocabulary, exactly as base/protocols/conn/main.zeek derives it.
enum class ConnState : std::uint8_t {
  kS0,      // connection attempt seen, no reply
  kS1,      // established, not terminated
  kSf,      // normal establishment and termination (UDP/ICMP-less: both directions seen)
  kRej,     // connection attempt rejected
  kS2,      // established, close attempt by the originator seen (no reply from the responder)
  kS3,      // established, close attempt by the responder seen (no reply from the originator)
  kRsto,    // established, the originator aborted (sent a RST)
  kRstr,    // the responder sent a RST
  kRstos0,  // the originator sent a SYN followed by a RST; no SYN-ACK from the responder
  kRstrh,   // the responder sent a SYN-ACK followed by a RST; no SYN from the originator
  kSh,      // the originator sent a SYN followed by a FIN; no SYN-ACK from the responder
  kShr,     // the responder sent a SYN-ACK followed by a FIN; no SYN from the originator
  kOth,     // no SYN seen, just midstream traffic (and every non-TCP/UDP flow)
};
[[nodiscard]] std::string_view conn_state_name(ConnState s) noexcept;  // "S0", "SF", "RSTOS0", ...

enum class FlowEndReason : std::uint8_t {
  kActive,      // still in the table (a record handed out by FlowTable::update)
  kTimeout,     // idle for its state's timeout
  kClosed,      // FIN both ways or a RST, then the closed linger; or a new SYN reused the ports
  kEvicted,     // the table was full and this was the least recently seen flow
  kEndOfInput,  // FlowTable::flush at the end of the input
  kInterim,     // a snapshot of a flow still running (active timeout); a final record follows
};
[[nodiscard]] std::string_view end_reason_name(FlowEndReason r) noexcept;  // "timeout", "interim", ...

// What one endpoint sent.
struct FlowEndpoint {
  std::uint64_t packets = 0;
  std::uint64_t ip_bytes = 0;       // sum of IP total lengths (IPv6: 40 + payload length); Zeek's *_ip_bytes
  std::uint64_t payload_bytes = 0;  // TCP: from sequence numbers; others: sum of L4 payload lengths
  std::uint32_t ack = 0;            // packets with the flag, saturating at 2^32-1
  std::uint32_t psh = 0;
  std::uint16_t syn = 0;  // saturating at 65535
  std::uint16_t fin = 0;
  std::uint16_t rst = 0;
  std::uint16_t urg = 0;
  std::uint32_t seq_end = 0;         // (TCP bookkeeping) one past the highest payload byte seen
  std::uint16_t initial_window = 0;  // raw (unscaled) TCP window of this endpoint's first packet
  TcpEndpointState state = TcpEndpointState::kInactive;
  TcpEndpointState prev_state = TcpEndpointState::kInactive;
};
static_assert(sizeof(FlowEndpoint) == 48);

// History letters (Zeek's), one bit each per direction in FlowRecord::history_seen.
namespace history {
inline constexpr std::uint16_t kSyn = 1u << 0;      // S: SYN without ACK
inline constexpr std::uint16_t kSynAck = 1u << 1;   // H: SYN-ACK
inline constexpr std::uint16_t kAck = 1u << 2;      // A: pure ACK (no payload, no SYN/FIN/RST)
inline constexpr std::uint16_t kData = 1u << 3;     // D: payload (TCP without SYN/FIN/RST; every UDP packet)
inline constexpr std::uint16_t kFin = 1u << 4;      // F: FIN (alone among SYN/FIN/RST)
inline constexpr std::uint16_t kRst = 1u << 5;      // R: RST (alone among SYN/FIN/RST)
inline constexpr std::uint16_t kRetrans = 1u << 6;  // T: payload at or below the highest sequence seen
inline constexpr std::uint16_t kZeroWin = 1u << 7;  // W: zero window advertised
inline constexpr std::uint16_t kFinRst = 1u << 8;   // I: FIN and RST together
inline constexpr std::uint16_t kMultiFlag = 1u << 9;  // Q: SYN with FIN or RST
}  // namespace history

// Laid out for the per-packet path: the first cache line holds what every packet reads (key,
// flags, times), the second the originator's side, the third the responder's; text fields last.
struct alignas(64) FlowRecord {
  // --- line 0: identity, flags, time ---
  FlowKey key;                      // originator -> responder
  std::uint8_t flags = 0;           // kFlag* below (bits 5-7: the table's, zero in emitted records)
  std::uint8_t history_len = 0;     // letters in `history`
  std::uint16_t interim_count = 0;  // interim records emitted so far (on an interim record: its number)
  Timestamp first_ts;               // first packet
  Timestamp last_ts;                // latest packet time seen
  // --- line 1: originator ---
  FlowEndpoint orig;
  std::array<std::uint16_t, 2> history_seen{};  // history letter bits already recorded [orig, resp]
  std::uint32_t app_slot = 0;                   // for the application layer (index of side data); 0 = none
  std::uint16_t service = 0;                    // for the application layer; 0 = unknown
  ConnState conn_state = ConnState::kOth;       // set when the record is emitted (compute_conn_state)
  FlowEndReason end_reason = FlowEndReason::kActive;
  // --- line 2: responder ---
  FlowEndpoint resp;
  // --- text ---
  std::array<char, 17> uid{};           // "C" + 16 base62 digits, deterministic (docs/flows.md)
  std::array<char, 21> history{};       // Zeek history letters in first-occurrence order
  std::array<char, 42> community_id{};  // "1:..." set on emission when enabled; NUL-padded

  static constexpr std::uint8_t kFlagFlipped = 1u << 0;     // originator inferred from a SYN-ACK ('^')
  static constexpr std::uint8_t kFlagIcmpOneWay = 1u << 1;  // ICMP message type without a counterpart
  static constexpr std::uint8_t kFlagNoPorts = 1u << 2;     // no transport header (fragments, truncation)
  static constexpr std::uint8_t kFlagSeqOrig = 1u << 3;     // TCP sequence tracking started (orig)
  static constexpr std::uint8_t kFlagSeqResp = 1u << 4;     // ... (resp)

  [[nodiscard]] std::string_view uid_view() const noexcept { return {uid.data(), uid.size()}; }
  [[nodiscard]] std::string_view history_view() const noexcept { return {history.data(), history_len}; }
  [[nodiscard]] std::string_view community_id_view() const noexcept {
    const std::string_view all(community_id.data(), community_id.size());
    return all.substr(0, all.find('\0'));
  }
  [[nodiscard]] std::int64_t duration_ns() const noexcept { return last_ts.ns - first_ts.ns; }
  [[nodiscard]] bool flipped() const noexcept { return (flags & kFlagFlipped) != 0; }
  [[nodiscard]] bool icmp_one_way() const noexcept { return (flags & kFlagIcmpOneWay) != 0; }
  [[nodiscard]] bool is_interim() const noexcept { return end_reason == FlowEndReason::kInterim; }
};
static_assert(offsetof(FlowRecord, orig) == 64 && offsetof(FlowRecord, resp) == 128,
              "one cache line per side, after the line every packet reads");
static_assert(sizeof(FlowRecord) == 256, "a flow record fills exactly four cache lines");

// Records a history letter (a history:: bit) once per direction, in first-occurrence order: upper
// case for the originator, lower case for the responder.
void record_history_letter(FlowRecord& r, bool from_orig, std::uint16_t letter_bit) noexcept;
inline void record_history(FlowRecord& r, bool from_orig, std::uint16_t letter_bit) noexcept {
  if ((r.history_seen[from_orig ? 0 : 1] & letter_bit) == 0) record_history_letter(r, from_orig, letter_bit);
}

// Zeek's conn_state of the flow as it stands.
[[nodiscard]] ConnState compute_conn_state(const FlowRecord& r) noexcept;

// The uid: "C" + 16 base62 digits from a fixed-salt hash of the key and the first timestamp. The
// same input gives the same uid in every process (it does not use the table's random seed).
[[nodiscard]] std::array<char, 17> make_flow_uid(const FlowKey& key, Timestamp first_ts) noexcept;

}  // namespace nta
