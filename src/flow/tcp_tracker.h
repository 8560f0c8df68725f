#pragma once
// Per-packet TCP bookkeeping of a flow, a port of Zeek's TCP session adapter reduced to what the
// connection record needs: endpoint states (for conn_state), history letters, flag counts, initial
// windows and payload bytes from sequence numbers. docs/flows.md lists what is left out.
#include <cstdint>

#include "decode/packet_view.h"
#include "flow/flow_record.h"

namespace nta {

// Applies one TCP segment sent by the originator (from_orig) or the responder. `payload_len` is the
// segment's payload length as the headers declare it. Packet and byte counters are not touched here.
void track_tcp(FlowRecord& r, bool from_orig, const TcpInfo& tcp, std::uint32_t payload_len) noexcept;

// True when no endpoint keeps the connection open: a RST from either side, FIN from both, or a FIN
// from one and nothing from the other. Such flows linger for the closed timeout, then end as closed.
[[nodiscard]] inline bool tcp_is_closed(const FlowRecord& r) noexcept {
  using S = TcpEndpointState;
  const S o = r.orig.state;
  const S p = r.resp.state;
  if (o == S::kReset || p == S::kReset) return true;
  const bool o_done = o == S::kClosed || o == S::kInactive;
  const bool p_done = p == S::kClosed || p == S::kInactive;
  return o_done && p_done && (o == S::kClosed || p == S::kClosed);
}

// True while nothing but SYNs and SYN-ACKs has been seen (no ACK, data, FIN or RST either way):
// the attempt timeout applies. Covers half-open connections and lone SYN-ACKs (backscatter).
[[nodiscard]] inline bool tcp_is_attempt(const FlowRecord& r) noexcept {
  constexpr std::uint16_t kProgress =
      history::kAck | history::kData | history::kFin | history::kRst | history::kFinRst | history::kMultiFlag;
  return ((r.history_seen[0] | r.history_seen[1]) & kProgress) == 0;
}

}  // namespace nta
