#include "detect/beaconing.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "detect/network_set.h"

namespace nta {

BeaconingDetector::BeaconingDetector(const BeaconingRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules),
      gap_ns_(to_ns(rules.burst_gap_seconds)),
      sparse_ns_per_packet_(rules.sparse_rate > 0 ? to_ns(1.0 / rules.sparse_rate) : INT64_MAX),
      log_(log),
      table_(max_tracked) {}

void BeaconingDetector::on_flow_answered(const FlowRecord& f) {
  const std::int64_t now_ns = f.first_ts.ns;
  if (is_group_address(f.key.resp_addr)) return;
  bool created = false;
  State& s = table_.upsert(pair_key(f.key.orig_addr, f.key.resp_addr, (std::uint64_t{f.key.ip_proto} << 16) | f.key.resp_port),
                           created);
  ++s.flows;
  if (created || now_ns - s.last_activity_ns >= gap_ns_) contact(f, s, now_ns);
  s.last_activity_ns = now_ns;
}

void BeaconingDetector::on_sparse_packet(const FlowRecord& f, bool has_payload, std::int64_t now_ns) {
  if (is_group_address(f.key.resp_addr) || f.resp.packets == 0) return;
  bool created = false;
  State& s = table_.upsert(pair_key(f.key.orig_addr, f.key.resp_addr, (std::uint64_t{f.key.ip_proto} << 16) | f.key.resp_port),
                           created);
  if (created || (has_payload && now_ns - s.last_activity_ns >= gap_ns_)) contact(f, s, now_ns);
  s.last_activity_ns = now_ns;
}

void BeaconingDetector::contact(const FlowRecord& f, State& s, std::int64_t now_ns) {
  if (s.contacts != 0) {
    const double interval = static_cast<double>(now_ns - s.last_contact_ns) / 1e9;
    if (interval > rules_.max_interval_seconds) {
      s.count = 0;  // a silence longer than any beacon period: start over
      s.sum = 0;
      s.sum_squares = 0;
      s.first_ns = now_ns;
    } else {
      if (s.count == kMaxSummed) {  // halve the history: recent intervals weigh more
        s.count /= 2;
        s.sum /= 2;
        s.sum_squares /= 2;
      }
      ++s.count;
      s.sum += interval;
      s.sum_squares += interval * interval;
    }
  } else {
    s.first_ns = now_ns;
  }
  ++s.contacts;
  s.last_contact_ns = now_ns;
  if (s.count < rules_.min_intervals) return;
  const double n = static_cast<double>(s.count);
  const double mean = s.sum / n;
  const double var = std::max(0.0, s.sum_squares / n - mean * mean);
  const double sd = std::sqrt(var);
  const double cv = mean > 0 ? sd / mean : 0;
  if (cv > rules_.max_cv || mean < rules_.min_interval_seconds || mean > rules_.max_interval_seconds) {
    s.fired = false;  // the next regular run reports again (once per throttle period)
    return;
  }
  log_.report(s.throttle, s.fired, now_ns, Severity::kMedium, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kBeaconing;
    a.severity = Severity::kMedium;
    a.mitre = "T1071";
    a.src = f.key.orig_addr;
    a.dest = f.key.resp_addr;
    a.first_seen.ns = s.first_ns;
    a.last_seen.ns = now_ns;
    const bool in_flow = s.flows <= 1;
    a.summary = fmt::format("beaconing from {} to {} {}/{}: {} contacts every {:.1f} s (jitter {:.0f}%){}",
                            to_string(f.key.orig_addr), to_string(f.key.resp_addr), proto_text(f.key.ip_proto),
                            f.key.resp_port, s.contacts, mean, cv * 100, in_flow ? " inside one flow" : "");
    a.add("protocol", proto_text(f.key.ip_proto));
    a.add("port", std::uint32_t{f.key.resp_port});
    a.add("contacts", s.contacts);
    a.add("intervals", s.count);
    a.add("mean_interval_seconds", round_to(mean, 3));
    a.add("stddev_seconds", round_to(sd, 3));
    a.add("cv", round_to(cv, 4));
    a.add("flows", s.flows);
    return a;
  });
}

}  // namespace nta
