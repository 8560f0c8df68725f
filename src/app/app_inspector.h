#pragma once
// The per-flow application-layer inspector: called for every packet of a flow, it reads only the
// first few payload-carrying packets of each direction (kAppMaxPayloadPackets), identifies the
// service (DNS, HTTP, TLS, SSH by content; a port table otherwise) and keeps a few fields of each
// in an AppInfo it allocates on the first finding. When both directions are done, a call costs
// one test. Never throws (allocation failure terminates, as everywhere in nta); docs/app_layer.md.
#include <cstdint>
#include <memory>

#include "app/app_info.h"
#include "app/app_state.h"
#include "decode/packet_view.h"

namespace nta {

// Payload-carrying packets inspected per direction at most (fewer when the direction's part is
// complete: a request, a hello, a banner, a DNS message).
inline constexpr std::uint8_t kAppMaxPayloadPackets = 3;

namespace detail {
void inspect_app_packet(const PacketView& v, bool from_originator, AppState& state,
                        std::unique_ptr<AppInfo>& info) noexcept;
}  // namespace detail

// Inspects one packet of a flow. `from_originator` says which side sent it; `state` and `info`
// belong to the flow (both start empty). `info` is allocated on the first finding.
inline void inspect_app(const PacketView& v, bool from_originator, AppState& state,
                        std::unique_ptr<AppInfo>& info) noexcept {
  if ((state.flags & (from_originator ? AppState::kOrigDone : AppState::kRespDone)) != 0) return;
  if (v.l4_payload.empty() && (state.flags & AppState::kStarted) != 0) return;
  detail::inspect_app_packet(v, from_originator, state, info);
}

}  // namespace nta
