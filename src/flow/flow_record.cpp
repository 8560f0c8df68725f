#include "flow/flow_record.h"

#include <bit>
#include <cstring>

#include "decode/packet_view.h"

namespace nta {

std::string_view conn_state_name(ConnState s) noexcept {
  switch (s) {
    case ConnState::kS0:
      return "S0";
    case ConnState::kS1:
      return "S1";
    case ConnState::kSf:
      return "SF";
    case ConnState::kRej:
      return "REJ";
    case ConnState::kS2:
      return "S2";
    case ConnState::kS3:
      return "S3";
    case ConnState::kRsto:
      return "RSTO";
    case ConnState::kRstr:
      return "RSTR";
    case ConnState::kRstos0:
      return "RSTOS0";
    case ConnState::kRstrh:
      return "RSTRH";
    case ConnState::kSh:
      return "SH";
    case ConnState::kShr:
      return "SHR";
    case ConnState::kOth:
      return "OTH";
  }
  return "OTH";
}

std::string_view end_reason_name(FlowEndReason r) noexcept {
  switch (r) {
    case FlowEndReason::kActive:
      return "active";
    case FlowEndReason::kTimeout:
      return "timeout";
    case FlowEndReason::kClosed:
      return "closed";
    case FlowEndReason::kEvicted:
      return "evicted";
    case FlowEndReason::kEndOfInput:
      return "end_of_input";
    case FlowEndReason::kInterim:
      return "interim";
  }
  return "active";
}

void record_history_letter(FlowRecord& r, bool from_orig, std::uint16_t letter_bit) noexcept {
  std::uint16_t& seen = r.history_seen[from_orig ? 0 : 1];
  seen = static_cast<std::uint16_t>(seen | letter_bit);
  static constexpr char kLetters[] = "SHADFRTWIQ";
  const char upper = kLetters[std::countr_zero(letter_bit)];
  // Ten letters per direction and '^': at most 21, the array's size.
  if (r.history_len < r.history.size()) {
    r.history[r.history_len++] = from_orig ? upper : static_cast<char>(upper - 'A' + 'a');
  }
}

namespace {

bool inactive(TcpEndpointState s) noexcept {
  return s == TcpEndpointState::kInactive || s == TcpEndpointState::kPartial;
}

// Zeek's /^\^?S[^HAFGIQ]*R.*/ on the history: the originator's SYN, then its RST before any sign of
// an established connection.
bool history_is_syn_then_rst(std::string_view h) noexcept {
  std::size_t i = 0;
  if (i < h.size() && h[i] == '^') ++i;
  if (i >= h.size() || h[i] != 'S') return false;
  for (++i; i < h.size(); ++i) {
    if (h[i] == 'R') return true;
    if (std::strchr("HAFGIQ", h[i]) != nullptr) return false;
  }
  return false;
}

}  // namespace

ConnState compute_conn_state(const FlowRecord& r) noexcept {
  using S = TcpEndpointState;
  if (r.key.ip_proto == ipproto::kTcp) {
    const S os = r.orig.state;
    const S rs = r.resp.state;
    const bool o_inactive = inactive(os);
    const bool r_inactive = inactive(rs);
    if (rs == S::kReset) {
      if (os == S::kSynSent || os == S::kSynAckSent ||
          (os == S::kReset && r.orig.payload_bytes == 0 && r.resp.payload_bytes == 0)) {
        return ConnState::kRej;
      }
      return o_inactive ? ConnState::kRstrh : ConnState::kRstr;
    }
    if (os == S::kReset) {
      if (r_inactive) return history_is_syn_then_rst(r.history_view()) ? ConnState::kRstos0 : ConnState::kOth;
      return ConnState::kRsto;
    }
    if (rs == S::kClosed && os == S::kClosed) return ConnState::kSf;
    if (os == S::kClosed) return r_inactive ? ConnState::kSh : ConnState::kS2;
    if (rs == S::kClosed) return o_inactive ? ConnState::kShr : ConnState::kS3;
    if (os == S::kSynSent && rs == S::kInactive) return ConnState::kS0;
    if (os == S::kEstablished && rs == S::kEstablished) return ConnState::kS1;
    return ConnState::kOth;
  }
  if (r.key.ip_proto == ipproto::kUdp) {
    const bool o = r.orig.packets > 0;
    const bool p = r.resp.packets > 0;
    if (o) return p ? ConnState::kSf : ConnState::kS0;
    return p ? ConnState::kShr : ConnState::kOth;
  }
  return ConnState::kOth;
}

std::array<char, 17> make_flow_uid(const FlowKey& key, Timestamp first_ts) noexcept {
  // Fixed salts: uids must not depend on the process (replaying a capture gives the same uids).
  constexpr std::uint64_t kSaltA = 0x6e74612d666c6f77ULL;  // "nta-flow"
  constexpr std::uint64_t kSaltB = 0x7569642d76312121ULL;  // "uid-v1!!"
  std::uint64_t w[7];
  std::memcpy(&w[0], key.orig_addr.bytes.data(), 16);
  std::memcpy(&w[2], key.resp_addr.bytes.data(), 16);
  w[4] = (std::uint64_t{key.orig_port} << 48) | (std::uint64_t{key.resp_port} << 32) |
         (std::uint64_t{key.vlan} << 16) | key.icmp_id;
  w[5] = (std::uint64_t{key.ip_proto} << 16) |
         (std::uint64_t{static_cast<std::uint8_t>(key.orig_addr.family)} << 8) |
         static_cast<std::uint8_t>(key.resp_addr.family);
  w[6] = static_cast<std::uint64_t>(first_ts.ns);
  // Each hash is a 64-bit fraction: multiplying by 62 moves the next base62 digit into the upper 64
  // bits of the product (one multiply per digit, no division). 8 + 8 digits, ~95 bits in all.
  std::uint64_t a = hash_words(w, 7, kSaltA);
  std::uint64_t b = hash_words(w, 7, kSaltB);
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::array<char, 17> uid{};
  uid[0] = 'C';
  auto digit = [](std::uint64_t& x) noexcept {
    const detail::Uint128 r = static_cast<detail::Uint128>(x) * 62u;
    x = static_cast<std::uint64_t>(r);
    return kDigits[static_cast<std::size_t>(r >> 64)];
  };
  for (std::size_t i = 1; i <= 8; ++i) uid[i] = digit(a);
  for (std::size_t i = 9; i <= 16; ++i) uid[i] = digit(b);
  return uid;
}

}  // namespace nta
