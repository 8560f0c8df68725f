#pragma once
// One flow to one row of the feature schema: the flow record (counts, flags, state), its shape
// (lengths and gaps per direction) and its originator's host window. Allocation-free; every value
// is finite (degenerate flows get the documented defaults, docs/features.md).
#include <cstdint>
#include <span>

#include "features/feature_schema.h"
#include "features/flow_shape.h"
#include "features/host_windows.h"
#include "flow/flow_record.h"

namespace nta {

// The conn_state code of the `conn_state` feature: 0 SF, 1 S1, 2 S2, 3 S3, 4 RSTO, 5 RSTR, 6 OTH,
// 7 SHR, 8 RSTRH, 9 SH, 10 RSTOS0, 11 REJ, 12 S0 — from a completed connection to a bare attempt.
[[nodiscard]] std::uint8_t conn_state_code(ConnState s) noexcept;

// Never established or reset: S0, REJ, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR.
[[nodiscard]] bool is_failed_state(ConnState s) noexcept;

// True when the flow has real ports (TCP, UDP, SCTP with a transport header).
[[nodiscard]] bool flow_has_ports(const FlowRecord& r) noexcept;
// The destination port's identity for distinct counting: protocol << 16 | responder port.
[[nodiscard]] inline std::uint32_t port_key(const FlowRecord& r) noexcept {
  return (std::uint32_t{r.key.ip_proto} << 16) | r.key.resp_port;
}

// What a finished flow contributes to its originator's host window.
[[nodiscard]] FlowOutcome flow_outcome(const FlowRecord& r) noexcept;

// Fills `row` (kFeatureCount values, schema order) for one flow.
void extract_features(const FlowRecord& r, const FlowShape& shape, const HostWindowSnapshot& host,
                      std::span<double> row) noexcept;

}  // namespace nta
