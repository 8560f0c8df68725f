#include "output/feature_csv_writer.h"

#include <charconv>

#include "core/timestamp.h"
#include "decode/packet_view.h"
#include "features/feature_extractor.h"
#include "features/feature_schema.h"
#include "output/flow_writer.h"
#include "output/text_format.h"

namespace nta {
namespace {

// The longest a row can be: identity columns, then per feature a separator and the longest shortest
// round-trip double ("-2.2250738585072014e-308", 24 characters).
constexpr std::size_t kMaxIdentity = 17 + kMaxTimestampText + 2 * kMaxIpText + 2 * 5 + 16 + 8;
constexpr std::size_t kMaxRow = kMaxIdentity + kFeatureCount * 26 + 1;

}  // namespace

std::string feature_csv_header() {
  std::string h = "uid,ts,orig_h,orig_p,resp_h,resp_p,proto";
  for (const FeatureInfo& f : kFeatureSchema) {
    h += ',';
    h += f.name;
  }
  h += '\n';
  return h;
}

FeatureCsvWriter::FeatureCsvWriter(const std::string& path) : out_(path) { out_.append(feature_csv_header()); }

void FeatureCsvWriter::write(const FlowRecord& r, std::span<const double> row) {
  const std::string proto = flow_proto_name(r.key.ip_proto);
  char* const start = out_.reserve(kMaxRow + proto.size());
  char* p = start;
  char* const end = start + kMaxRow + proto.size();
  const std::string_view uid = r.uid_view();
  p = std::copy(uid.begin(), uid.end(), p);
  *p++ = ',';
  p = format_iso8601_us(r.first_ts, p);
  *p++ = ',';
  const bool ports =
      flow_has_ports(r) || r.key.ip_proto == ipproto::kIcmp || r.key.ip_proto == ipproto::kIcmpv6;
  p = format_ip(r.key.orig_addr, p);
  *p++ = ',';
  if (ports) p = format_uint(r.key.orig_port, p);
  *p++ = ',';
  p = format_ip(r.key.resp_addr, p);
  *p++ = ',';
  if (ports) p = format_uint(r.key.resp_port, p);
  *p++ = ',';
  p = std::copy(proto.begin(), proto.end(), p);
  for (std::size_t i = 0; i < kFeatureCount && i < row.size(); ++i) {
    *p++ = ',';
    p = std::to_chars(p, end, row[i]).ptr;
  }
  *p++ = '\n';
  out_.commit(p);
  ++rows_;
}

}  // namespace nta
