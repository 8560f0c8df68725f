#include "flow/tcp_tracker.h"

namespace nta {

namespace {

using S = TcpEndpointState;

// Adds 1, saturating at the type's maximum.
template <class T>
void saturating_inc(T& v) noexcept {
  if (v != static_cast<T>(~T{0})) ++v;
}

void set_state(FlowEndpoint& ep, S s) noexcept {
  if (ep.state == s) return;
  ep.prev_state = ep.state;
  ep.state = s;
}

// Zeek's TCPSessionAdapter::UpdateStateMachine and its Update*State helpers, without the events and
// weirds.
void update_state(FlowEndpoint& ep, FlowEndpoint& peer, const FlowEndpoint& orig, bool is_orig, bool syn,
                  bool ack, bool fin, bool rst, std::uint32_t len) noexcept {
  switch (ep.state) {
    case S::kInactive:
      if (syn) {
        if (is_orig) {
          set_state(ep, ack ? S::kSynAckSent : S::kSynSent);
        } else {
          if (peer.state == S::kSynSent) set_state(peer, S::kEstablished);
          set_state(ep, S::kEstablished);
        }
      }
      if (fin) set_state(ep, S::kClosed);
      if (rst) set_state(ep, S::kReset);
      if (ep.state == S::kInactive) {  // no control flag changed the state
        if (!is_orig && len == 0 && orig.state == S::kSynSent) {
          // An ACK of the SYN before the SYN-ACK: not yet a partial connection.
        } else if (ack && peer.state == S::kEstablished) {
          set_state(ep, S::kEstablished);  // SYN-ACK seen but the SYN missed
        } else {
          set_state(ep, S::kPartial);
        }
      }
      break;
    case S::kSynSent:
    case S::kSynAckSent:
      if (fin) set_state(ep, S::kClosed);
      if (rst) set_state(ep, S::kReset);
      break;
    case S::kEstablished:
    case S::kPartial:
      if (syn && ep.state == S::kPartial && peer.state == S::kInactive && !ack) set_state(ep, S::kSynSent);
      if (fin && !rst) {
        set_state(ep, S::kClosed);
        // A FIN answered by the peer's earlier FIN then RST: normal termination after all.
        if (peer.state == S::kReset && peer.prev_state == S::kClosed) set_state(peer, S::kClosed);
      }
      if (rst) set_state(ep, S::kReset);
      break;
    case S::kClosed:
      if (rst && peer.state != S::kClosed) set_state(ep, S::kReset);
      break;
    case S::kReset:
      break;
  }
}

}  // namespace

void track_tcp(FlowRecord& r, bool from_orig, const TcpInfo& tcp, std::uint32_t payload_len) noexcept {
  FlowEndpoint& ep = from_orig ? r.orig : r.resp;
  FlowEndpoint& peer = from_orig ? r.resp : r.orig;
  const std::uint8_t f = tcp.flags;
  const std::uint8_t seq_flag = from_orig ? FlowRecord::kFlagSeqOrig : FlowRecord::kFlagSeqResp;

  // Fast path, most segments of a connection: no SYN/FIN/RST/URG from an endpoint already tracked.
  // The same effect, in the same order, as the general path below: D or A, W, T; no state change.
  if ((f & (tcpflag::kSyn | tcpflag::kFin | tcpflag::kRst | tcpflag::kUrg)) == 0 &&
      (r.flags & seq_flag) != 0 && ep.state != S::kInactive) {
    const bool ack = (f & tcpflag::kAck) != 0;
    if (ack) saturating_inc(ep.ack);
    if ((f & tcpflag::kPsh) != 0) saturating_inc(ep.psh);
    if (payload_len > 0) {
      record_history(r, from_orig, history::kData);
    } else if (ack) {
      record_history(r, from_orig, history::kAck);
    }
    if (tcp.window == 0 && peer.state != S::kClosed && ep.state != S::kReset) [[unlikely]] {
      record_history(r, from_orig, history::kZeroWin);
    }
    if (payload_len > 0) {
      const std::uint32_t end = tcp.seq + payload_len;
      const auto advance = static_cast<std::int32_t>(end - ep.seq_end);
      if (advance > 0) {
        ep.payload_bytes += static_cast<std::uint32_t>(advance);
        ep.seq_end = end;
      } else if (ep.state != S::kReset) {
        record_history(r, from_orig, history::kRetrans);
      }
    }
    return;
  }

  const bool syn = (f & tcpflag::kSyn) != 0;
  const bool ack = (f & tcpflag::kAck) != 0;
  const bool fin = (f & tcpflag::kFin) != 0;
  const bool rst = (f & tcpflag::kRst) != 0;

  if (ack) saturating_inc(ep.ack);
  if ((f & tcpflag::kPsh) != 0) saturating_inc(ep.psh);
  if ((f & (tcpflag::kSyn | tcpflag::kFin | tcpflag::kRst | tcpflag::kUrg)) != 0) [[unlikely]] {
    if (syn) saturating_inc(ep.syn);
    if (fin) saturating_inc(ep.fin);
    if (rst) saturating_inc(ep.rst);
    if ((f & tcpflag::kUrg) != 0) saturating_inc(ep.urg);
  }

  // Sequence tracking: seq_end is one past the highest payload byte seen; payload_bytes grows by
  // each advance (serial-number arithmetic, so wraparound is handled). SYN and FIN octets are not
  // payload. A SYN before any payload (re)starts the numbering at its sequence number.
  if ((r.flags & seq_flag) == 0) {
    ep.initial_window = tcp.window;
    ep.seq_end = syn ? tcp.seq + 1 : tcp.seq;
    r.flags = static_cast<std::uint8_t>(r.flags | seq_flag);
  } else if (syn && ep.payload_bytes == 0) {
    ep.seq_end = tcp.seq + 1;
  }

  // History (Zeek's update_history): one letter for the SYN/FIN/RST combination, else D or A.
  const int control = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (control > 1) {
    record_history(r, from_orig, fin && rst ? history::kFinRst : history::kMultiFlag);
  } else if (syn) {
    record_history(r, from_orig, ack ? history::kSynAck : history::kSyn);
  } else if (fin) {
    record_history(r, from_orig, history::kFin);
  } else if (rst) {
    record_history(r, from_orig, history::kRst);
  } else if (payload_len > 0) {
    record_history(r, from_orig, history::kData);
  } else if (ack) {
    record_history(r, from_orig, history::kAck);
  }

  // Zero window (Zeek's update_window): not with or after a RST, not after the peer's FIN.
  if (tcp.window == 0 && !rst && peer.state != S::kClosed && ep.state != S::kReset) {
    record_history(r, from_orig, history::kZeroWin);
  }

  // Payload bytes and retransmissions (Zeek's update_last_seq). A RST's payload is not stream data.
  if (!rst && payload_len > 0) {
    const std::uint32_t end = (syn ? tcp.seq + 1 : tcp.seq) + payload_len;
    const auto advance = static_cast<std::int32_t>(end - ep.seq_end);
    if (advance > 0) {
      ep.payload_bytes += static_cast<std::uint32_t>(advance);
      ep.seq_end = end;
    } else if (ep.state != S::kReset) {
      record_history(r, from_orig, history::kRetrans);
    }
  }

  update_state(ep, peer, r.orig, from_orig, syn, ack, fin, rst, payload_len);
}

}  // namespace nta
