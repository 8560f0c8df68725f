#include "features/feature_extractor.h"

#include <algorithm>
#include <cmath>

#include "decode/packet_view.h"

namespace nta {
namespace {

// Rates divide by the duration, but never by less than 1 ms: a one-packet flow has no duration, and
// two packets a microsecond apart say little about a sustained rate.
constexpr double kMinRateSeconds = 1e-3;

double log_count(std::uint64_t v) noexcept { return std::log1p(static_cast<double>(v)); }
double log_micros(double ns) noexcept { return std::log1p(std::max(ns, 0.0) / 1e3); }
double share(std::uint64_t part, std::uint64_t whole) noexcept {
  return whole == 0 ? 0.0 : std::min(1.0, static_cast<double>(part) / static_cast<double>(whole));
}

void put(std::span<double> row, Feature f, double v) noexcept { row[index_of(f)] = v; }

void put_lengths(std::span<double> row, Feature first, const DirectionShape& d) noexcept {
  const std::size_t i = index_of(first);
  row[i] = d.packets == 0 ? 0 : d.len_min;
  row[i + 1] = d.packets == 0 ? 0 : d.len_max;
  row[i + 2] = d.len_mean();
  row[i + 3] = d.len_std();
}

void put_gaps(std::span<double> row, Feature first, const DirectionShape& d) noexcept {
  const std::size_t i = index_of(first);
  const bool any = d.gaps() != 0;
  row[i] = any ? log_micros(static_cast<double>(d.iat_min)) : 0;
  row[i + 1] = any ? log_micros(static_cast<double>(d.iat_max)) : 0;
  row[i + 2] = log_micros(d.iat_mean_ns());
  row[i + 3] = log_micros(d.iat_std_ns());
}

double proto_class(std::uint8_t ip_proto) noexcept {
  switch (ip_proto) {
    case ipproto::kTcp: return 0;
    case ipproto::kUdp: return 1;
    case ipproto::kIcmp:
    case ipproto::kIcmpv6: return 2;
    default: return 3;
  }
}

double dst_port_class(const FlowRecord& r) noexcept {
  if (!flow_has_ports(r)) return 0;
  if (r.key.resp_port < 1024) return 1;
  if (r.key.resp_port < 49152) return 2;
  return 3;
}

}  // namespace

std::uint8_t conn_state_code(ConnState s) noexcept {
  switch (s) {
    case ConnState::kSf: return 0;
    case ConnState::kS1: return 1;
    case ConnState::kS2: return 2;
    case ConnState::kS3: return 3;
    case ConnState::kRsto: return 4;
    case ConnState::kRstr: return 5;
    case ConnState::kOth: return 6;
    case ConnState::kShr: return 7;
    case ConnState::kRstrh: return 8;
    case ConnState::kSh: return 9;
    case ConnState::kRstos0: return 10;
    case ConnState::kRej: return 11;
    case ConnState::kS0: return 12;
  }
  return 6;
}

bool is_failed_state(ConnState s) noexcept {
  switch (s) {
    case ConnState::kS0:
    case ConnState::kRej:
    case ConnState::kRsto:
    case ConnState::kRstr:
    case ConnState::kRstos0:
    case ConnState::kRstrh:
    case ConnState::kSh:
    case ConnState::kShr: return true;
    default: return false;
  }
}

bool flow_has_ports(const FlowRecord& r) noexcept {
  if ((r.flags & FlowRecord::kFlagNoPorts) != 0) return false;
  return r.key.ip_proto == ipproto::kTcp || r.key.ip_proto == ipproto::kUdp || r.key.ip_proto == ipproto::kSctp;
}

FlowOutcome flow_outcome(const FlowRecord& r) noexcept {
  FlowOutcome o;
  o.failed = is_failed_state(r.conn_state);
  o.syn_only = r.key.ip_proto == ipproto::kTcp && r.orig.packets != 0 && r.orig.syn == r.orig.packets &&
               r.resp.packets == 0;
  o.bytes_out = r.orig.ip_bytes;
  o.bytes_in = r.resp.ip_bytes;
  return o;
}

void extract_features(const FlowRecord& r, const FlowShape& shape, const HostWindowSnapshot& host,
                      std::span<double> row) noexcept {
  if (row.size() < kFeatureCount) return;
  const double duration_ns = static_cast<double>(std::max<std::int64_t>(r.duration_ns(), 0));
  const std::uint64_t packets = r.orig.packets + r.resp.packets;
  const std::uint64_t bytes = r.orig.ip_bytes + r.resp.ip_bytes;
  const double rate_seconds = std::max(duration_ns / 1e9, kMinRateSeconds);

  put(row, Feature::kDuration, log_micros(duration_ns));
  put(row, Feature::kOrigPkts, log_count(r.orig.packets));
  put(row, Feature::kRespPkts, log_count(r.resp.packets));
  put(row, Feature::kOrigBytes, log_count(r.orig.ip_bytes));
  put(row, Feature::kRespBytes, log_count(r.resp.ip_bytes));
  put(row, Feature::kBytesPerPkt, packets == 0 ? 0 : static_cast<double>(bytes) / static_cast<double>(packets));
  put(row, Feature::kPktRate, std::log1p(static_cast<double>(packets) / rate_seconds));
  put(row, Feature::kByteRate, std::log1p(static_cast<double>(bytes) / rate_seconds));
  put_lengths(row, Feature::kOrigLenMin, shape.orig);
  put_lengths(row, Feature::kRespLenMin, shape.resp);
  put_gaps(row, Feature::kOrigIatMin, shape.orig);
  put_gaps(row, Feature::kRespIatMin, shape.resp);
  put(row, Feature::kSyn, log_count(std::uint64_t{r.orig.syn} + r.resp.syn));
  put(row, Feature::kFin, log_count(std::uint64_t{r.orig.fin} + r.resp.fin));
  put(row, Feature::kRst, log_count(std::uint64_t{r.orig.rst} + r.resp.rst));
  put(row, Feature::kPsh, log_count(std::uint64_t{r.orig.psh} + r.resp.psh));
  put(row, Feature::kAck, log_count(std::uint64_t{r.orig.ack} + r.resp.ack));
  put(row, Feature::kUrg, log_count(std::uint64_t{r.orig.urg} + r.resp.urg));
  const bool tcp = r.key.ip_proto == ipproto::kTcp;
  put(row, Feature::kOrigInitWin, tcp && r.orig.packets != 0 ? r.orig.initial_window : 0);
  put(row, Feature::kRespInitWin, tcp && r.resp.packets != 0 ? r.resp.initial_window : 0);
  put(row, Feature::kConnState, conn_state_code(r.conn_state));
  put(row, Feature::kProtoClass, proto_class(r.key.ip_proto));
  put(row, Feature::kDstPortClass, dst_port_class(r));
  put(row, Feature::kPayloadShare, share(r.orig.payload_bytes + r.resp.payload_bytes, bytes));

  put(row, Feature::kSrcDstHosts, log_count(host.dst_hosts));
  put(row, Feature::kSrcDstPorts, log_count(host.dst_ports));
  put(row, Feature::kSrcConnRate,
      host.window_seconds > 0 ? std::log1p(static_cast<double>(host.starts) / host.window_seconds) : 0);
  put(row, Feature::kSrcFailedShare, share(host.failed, host.ends));
  put(row, Feature::kSrcSynOnlyShare, share(host.syn_only, host.ends));
  put(row, Feature::kSrcBytesRatio, log_count(host.bytes_out) - log_count(host.bytes_in));

  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    if (!std::isfinite(row[i])) row[i] = 0;
  }
}

}  // namespace nta
