#pragma once
// Where detectors raise alerts: keeps them (up to a cap) for the end-of-run tables and scores,
// hands each new one to the sink (the alert file), and throttles repeats. Each detector keeps a
// Throttle in its per-key state; an alert for a key is raised at most once per throttle period,
// unless its severity rises. While throttled, the stored alert is refreshed instead: last_seen on
// every event, evidence and `repeats` when the condition holds again in a new window.
#include <cstdint>
#include <functional>
#include <vector>

#include "detect/alert.h"
#include "detect/rules_config.h"

namespace nta {

struct Throttle {
  std::int64_t until_ns = 0;             // no new alert before this packet time ...
  std::uint32_t alert = 0;               // ... for the key whose latest alert is this (index + 1; 0 = none)
  Severity severity = Severity::kLow;    // ... unless the new one is more severe than this
  bool stored = false;                   // the alert is kept in memory (the cap was not reached)
};

struct AlertCounters {
  std::uint64_t raised = 0;            // alerts raised (written to the sink)
  std::uint64_t repeats = 0;           // conditions that held again while throttled
  std::uint64_t not_kept = 0;          // raised after the in-memory cap (written, not in the tables)
  std::uint64_t by_detector[kDetectorCount] = {};
};

class AlertLog {
 public:
  using Sink = std::function<void(const Alert&)>;

  explicit AlertLog(const GlobalRules& rules);

  void set_sink(Sink sink) { sink_ = std::move(sink); }
  // An asset inventory (not owned; may be null): raised alerts then carry what it knows about
  // their src and dest (Alert::src_asset, dest_asset).
  void set_assets(const AssetContext* assets) noexcept { assets_ = assets; }

  // True when an alert of severity `s` for the key would be raised at `now_ns`.
  [[nodiscard]] bool due(const Throttle& t, std::int64_t now_ns, Severity s) const noexcept {
    return t.alert == 0 || now_ns >= t.until_ns || s > t.severity;
  }
  // Raises `a`: keeps it, hands it to the sink, arms the key's throttle.
  void raise(Throttle& t, Alert a);
  // The condition held again while throttled: the kept alert takes the new evidence, severity
  // and last_seen, and counts a repeat.
  void repeat(const Throttle& t, Alert a);
  // The one step every detector takes when its condition holds for a key: raise when due, else
  // refresh the kept alert once per window (`fired_in_window`), else just move its last_seen.
  // `build` makes the Alert and is called only when one is needed.
  template <class Build>
  void report(Throttle& t, bool& fired_in_window, std::int64_t now_ns, Severity s, Build&& build) {
    if (due(t, now_ns, s)) {
      raise(t, build());
      fired_in_window = true;
    } else if (!fired_in_window) {
      repeat(t, build());
      fired_in_window = true;
    } else {
      touch(t, now_ns);
    }
  }
  // An event of a throttled key: the kept alert's last_seen moves on.
  void touch(const Throttle& t, std::int64_t now_ns) noexcept {
    if (t.alert != 0 && t.stored && alerts_[t.alert - 1].last_seen.ns < now_ns) alerts_[t.alert - 1].last_seen.ns = now_ns;
  }

  [[nodiscard]] const std::vector<Alert>& alerts() const noexcept { return alerts_; }
  [[nodiscard]] std::vector<Alert>& alerts() noexcept { return alerts_; }
  [[nodiscard]] const AlertCounters& counters() const noexcept { return counters_; }

 private:
  std::int64_t throttle_ns_;
  std::size_t max_alerts_;
  std::vector<Alert> alerts_;
  std::uint32_t unkept_ids_ = 0;
  AlertCounters counters_;
  Sink sink_;
  const AssetContext* assets_ = nullptr;
};

}  // namespace nta
