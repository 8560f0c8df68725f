#include "detect/alert_log.h"

#include <cmath>

namespace nta {

AlertLog::AlertLog(const GlobalRules& rules)
    : throttle_ns_(static_cast<std::int64_t>(std::llround(rules.throttle_seconds * 1e9))),
      max_alerts_(rules.max_alerts) {}

void AlertLog::raise(Throttle& t, Alert a) {
  ++counters_.raised;
  ++counters_.by_detector[static_cast<std::size_t>(a.detector)];
  t.until_ns = a.ts.ns + throttle_ns_;
  t.severity = a.severity;
  if (assets_ != nullptr) {
    if (!a.src.empty()) a.src_asset = assets_->find_asset(a.src);
    if (!a.dest.empty()) a.dest_asset = assets_->find_asset(a.dest);
  }
  if (sink_) sink_(a);
  if (alerts_.size() < max_alerts_) {
    alerts_.push_back(std::move(a));
    t.alert = static_cast<std::uint32_t>(alerts_.size());
    t.stored = true;
  } else {
    // Still throttled as a raised alert, though not kept.
    ++counters_.not_kept;
    t.alert = 0xffffffffu - (unkept_ids_++ & 0xffffu);
    t.stored = false;
  }
}

void AlertLog::repeat(const Throttle& t, Alert a) {
  ++counters_.repeats;
  if (t.alert == 0 || !t.stored) return;
  Alert& kept = alerts_[t.alert - 1];
  kept.evidence = std::move(a.evidence);
  kept.summary = std::move(a.summary);
  if (a.last_seen.ns > kept.last_seen.ns) kept.last_seen = a.last_seen;
  if (a.first_seen.ns < kept.first_seen.ns) kept.first_seen = a.first_seen;
  ++kept.repeats;
}

}  // namespace nta
