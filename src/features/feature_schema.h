#pragma once
// The flow feature schema: one row of doubles per flow, the columns in this fixed order. The schema
// id names the list; a model trained on one schema refuses rows of another. docs/features.md defines
// every feature; change the list only together with the id.
//
// Heavy-tailed quantities (counts, bytes, rates, times) are stored as log1p of their value: the
// Isolation Forest cuts uniformly between a node's minimum and maximum, so on a linear scale a few
// huge flows would take nearly every cut and the bulk of the flows would never be told apart.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nta {

inline constexpr std::string_view kFeatureSchemaId = "nta-flow-features/1";

// How a feature's natural value becomes the number in the row.
enum class FeatureScale : std::uint8_t {
  kLinear,       // as is
  kLog1p,        // log1p(value)
  kLog1pMicros,  // log1p(value in microseconds); the natural value is in seconds
};

struct FeatureInfo {
  std::string_view name;
  std::string_view unit;  // of the natural value ("s", "packets", "code", ...)
  FeatureScale scale;
  std::string_view definition;  // one line
};

// Column indices (the schema's order).
enum class Feature : std::uint8_t {
  kDuration,
  kOrigPkts,
  kRespPkts,
  kOrigBytes,
  kRespBytes,
  kBytesPerPkt,
  kPktRate,
  kByteRate,
  kOrigLenMin,
  kOrigLenMax,
  kOrigLenMean,
  kOrigLenStd,
  kRespLenMin,
  kRespLenMax,
  kRespLenMean,
  kRespLenStd,
  kOrigIatMin,
  kOrigIatMax,
  kOrigIatMean,
  kOrigIatStd,
  kRespIatMin,
  kRespIatMax,
  kRespIatMean,
  kRespIatStd,
  kSyn,
  kFin,
  kRst,
  kPsh,
  kAck,
  kUrg,
  kOrigInitWin,
  kRespInitWin,
  kConnState,
  kProtoClass,
  kDstPortClass,
  kPayloadShare,
  kSrcDstHosts,
  kSrcDstPorts,
  kSrcConnRate,
  kSrcFailedShare,
  kSrcSynOnlyShare,
  kSrcBytesRatio,
  kCount
};

inline constexpr std::size_t kFeatureCount = static_cast<std::size_t>(Feature::kCount);

[[nodiscard]] constexpr std::size_t index_of(Feature f) noexcept { return static_cast<std::size_t>(f); }

// clang-format off
inline constexpr std::array<FeatureInfo, kFeatureCount> kFeatureSchema{{
  {"duration", "s", FeatureScale::kLog1pMicros, "last packet time minus first"},
  {"orig_pkts", "packets", FeatureScale::kLog1p, "packets from the originator"},
  {"resp_pkts", "packets", FeatureScale::kLog1p, "packets from the responder"},
  {"orig_bytes", "bytes", FeatureScale::kLog1p, "IP bytes from the originator (orig_ip_bytes)"},
  {"resp_bytes", "bytes", FeatureScale::kLog1p, "IP bytes from the responder (resp_ip_bytes)"},
  {"bytes_per_pkt", "bytes/packet", FeatureScale::kLinear, "IP bytes both ways over packets both ways"},
  {"pkt_rate", "packets/s", FeatureScale::kLog1p, "packets both ways over max(duration, 1 ms)"},
  {"byte_rate", "bytes/s", FeatureScale::kLog1p, "IP bytes both ways over max(duration, 1 ms)"},
  {"orig_len_min", "bytes", FeatureScale::kLinear, "smallest IP length from the originator (0: none)"},
  {"orig_len_max", "bytes", FeatureScale::kLinear, "largest IP length from the originator (0: none)"},
  {"orig_len_mean", "bytes", FeatureScale::kLinear, "mean IP length from the originator (0: none)"},
  {"orig_len_std", "bytes", FeatureScale::kLinear, "population standard deviation of the originator's IP lengths"},
  {"resp_len_min", "bytes", FeatureScale::kLinear, "smallest IP length from the responder (0: none)"},
  {"resp_len_max", "bytes", FeatureScale::kLinear, "largest IP length from the responder (0: none)"},
  {"resp_len_mean", "bytes", FeatureScale::kLinear, "mean IP length from the responder (0: none)"},
  {"resp_len_std", "bytes", FeatureScale::kLinear, "population standard deviation of the responder's IP lengths"},
  {"orig_iat_min", "s", FeatureScale::kLog1pMicros, "shortest gap between consecutive originator packets (0: under 2 packets)"},
  {"orig_iat_max", "s", FeatureScale::kLog1pMicros, "longest gap between consecutive originator packets"},
  {"orig_iat_mean", "s", FeatureScale::kLog1pMicros, "mean gap between consecutive originator packets"},
  {"orig_iat_std", "s", FeatureScale::kLog1pMicros, "population standard deviation of the originator's gaps"},
  {"resp_iat_min", "s", FeatureScale::kLog1pMicros, "shortest gap between consecutive responder packets (0: under 2 packets)"},
  {"resp_iat_max", "s", FeatureScale::kLog1pMicros, "longest gap between consecutive responder packets"},
  {"resp_iat_mean", "s", FeatureScale::kLog1pMicros, "mean gap between consecutive responder packets"},
  {"resp_iat_std", "s", FeatureScale::kLog1pMicros, "population standard deviation of the responder's gaps"},
  {"syn", "packets", FeatureScale::kLog1p, "TCP packets with SYN, both ways"},
  {"fin", "packets", FeatureScale::kLog1p, "TCP packets with FIN, both ways"},
  {"rst", "packets", FeatureScale::kLog1p, "TCP packets with RST, both ways"},
  {"psh", "packets", FeatureScale::kLog1p, "TCP packets with PSH, both ways"},
  {"ack", "packets", FeatureScale::kLog1p, "TCP packets with ACK, both ways"},
  {"urg", "packets", FeatureScale::kLog1p, "TCP packets with URG, both ways"},
  {"orig_init_win", "bytes", FeatureScale::kLinear, "raw TCP window of the originator's first packet (0: not TCP)"},
  {"resp_init_win", "bytes", FeatureScale::kLinear, "raw TCP window of the responder's first packet (0: none)"},
  {"conn_state", "code", FeatureScale::kLinear, "Zeek conn_state, coded by how far the connection got (docs/features.md)"},
  {"proto_class", "code", FeatureScale::kLinear, "0 TCP, 1 UDP, 2 ICMP/ICMPv6, 3 other"},
  {"dst_port_class", "code", FeatureScale::kLinear, "0 no port, 1 well-known (0-1023), 2 registered (1024-49151), 3 dynamic (49152-65535)"},
  {"payload_share", "share", FeatureScale::kLinear, "payload bytes over IP bytes, both ways, in [0, 1]"},
  {"src_dst_hosts", "hosts", FeatureScale::kLog1p, "distinct responders of the originator's connections started in the window"},
  {"src_dst_ports", "ports", FeatureScale::kLog1p, "distinct (protocol, responder port) of those connections"},
  {"src_conn_rate", "connections/s", FeatureScale::kLog1p, "connections the originator started in the window over the window"},
  {"src_failed_share", "share", FeatureScale::kLinear, "failed among the originator's connections that ended in the window"},
  {"src_syn_only_share", "share", FeatureScale::kLinear, "SYN-only among the originator's connections that ended in the window"},
  {"src_bytes_ratio", "ln ratio", FeatureScale::kLinear, "ln((bytes out + 1) / (bytes in + 1)) over those connections"},
}};
// clang-format on

// The feature's value in its natural unit (log1p undone; seconds for times).
[[nodiscard]] double natural_value(std::size_t feature, double row_value) noexcept;
// The row value of a natural value (the inverse of natural_value).
[[nodiscard]] double row_value(std::size_t feature, double natural) noexcept;

// The column of `name`, if the schema has it.
[[nodiscard]] std::optional<std::size_t> find_feature(std::string_view name) noexcept;

// The names in column order (what a model file stores).
[[nodiscard]] std::vector<std::string> feature_names();

}  // namespace nta
