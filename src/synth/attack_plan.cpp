#include "synth/attack_plan.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/error.h"
#include "core/timestamp.h"
#include "synth/arp_spoof_attack.h"
#include "synth/beaconing_attack.h"
#include "synth/brute_force_attack.h"
#include "synth/dns_tunnel_attack.h"
#include "synth/exfiltration_attack.h"
#include "synth/flood_attacks.h"
#include "synth/scan_attacks.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;
using K = AttackKind;

enum class OsWish : std::uint8_t { kAny, kWindows, kNotWindows };

struct KindPlan {
  bool inside_attacker = true;  // else an outside address attacks
  bool victim = false;          // a LAN host is attacked
  OsWish victim_os = OsWish::kAny;
  bool outside = false;  // needs an outside address (attacker, C2, drop site)
};

KindPlan kind_plan(K kind) {
  switch (kind) {
    case K::kPortScanSyn:
    case K::kPortScanConnect:
      return {.victim = true};
    case K::kPortScanFin:
    case K::kPortScanXmas:
    case K::kPortScanNull:
      return {.victim = true, .victim_os = OsWish::kNotWindows};
    case K::kPortScanUdp:
      return {.victim = true, .victim_os = OsWish::kWindows};
    case K::kHorizontalScan:
    case K::kPingSweep:
      return {};
    case K::kSynFlood:
    case K::kSynFloodSpoofed:
      return {.victim = true, .victim_os = OsWish::kNotWindows};
    case K::kUdpFlood:
    case K::kIcmpFlood:
      return {.victim = true};
    case K::kBruteForceSsh:
      return {.inside_attacker = false, .victim = true, .victim_os = OsWish::kNotWindows, .outside = true};
    case K::kBruteForceFtp:
      return {.victim = true, .victim_os = OsWish::kNotWindows};
    case K::kBruteForceRdp:
      return {.inside_attacker = false, .victim = true, .victim_os = OsWish::kWindows, .outside = true};
    case K::kDnsTunnel:
      return {};
    case K::kArpSpoof:
      return {.victim = true};
    case K::kExfiltration:
    case K::kBeaconing:
      return {.outside = true};
  }
  return {};
}

std::int64_t seconds_ns(double s) {
  return static_cast<std::int64_t>(std::llround(s * 1e9));
}

// Active time of the attacks that last, scaled to the run (T seconds).
std::int64_t active_ns(K kind, double t) {
  switch (kind) {
    case K::kSynFlood:
    case K::kSynFloodSpoofed:
    case K::kUdpFlood:
    case K::kIcmpFlood:
      return seconds_ns(std::clamp(0.1 * t, 0.2, 5.0));
    case K::kBruteForceSsh:
    case K::kBruteForceFtp:
    case K::kBruteForceRdp:
      return seconds_ns(std::clamp(0.3 * t, 2.0, 30.0));
    case K::kDnsTunnel:
      return seconds_ns(std::clamp(0.4 * t, 2.0, 120.0));
    case K::kArpSpoof:
      return seconds_ns(std::clamp(0.4 * t, 2.0, 60.0));
    default:
      return 0;
  }
}

double exfiltration_volume(double t) {
  return std::clamp(t / 60.0, 0.05, 2.0);
}

// About how long an attack's packets span, to keep it inside the run.
std::int64_t expected_span_ns(K kind, double t) {
  switch (kind) {
    case K::kPortScanSyn:
      return 700 * kMs;
    case K::kPortScanConnect:
      return 1200 * kMs;
    case K::kPortScanFin:
    case K::kPortScanXmas:
    case K::kPortScanNull:
      return 1300 * kMs;
    case K::kPortScanUdp:
      return 2200 * kMs;
    case K::kHorizontalScan:
      return 1600 * kMs;
    case K::kPingSweep:
      return 5 * kSec;
    case K::kSynFlood:
    case K::kSynFloodSpoofed:
      return active_ns(kind, t) + 3 * kSec;  // SYN-ACK retransmissions
    case K::kBruteForceSsh:
    case K::kBruteForceFtp:
    case K::kBruteForceRdp:
      return active_ns(kind, t) + 4 * kSec;  // the last connections finishing
    case K::kExfiltration:
      return seconds_ns(static_cast<double>(kExfiltrationBytes) * exfiltration_volume(t) * 8 / 30e6) +
             1 * kSec;
    default:
      return active_ns(kind, t);
  }
}

bool os_fits(const Host& h, OsWish wish) {
  switch (wish) {
    case OsWish::kAny:
      return true;
    case OsWish::kWindows:
      return h.os == HostOs::kWindows;
    case OsWish::kNotWindows:
      return h.os != HostOs::kWindows;
  }
  return true;
}

// Takes hosts round the pool in turn, so that attacks spread over the LAN.
class HostPicker {
 public:
  explicit HostPicker(std::vector<Host*> pool) : pool_(std::move(pool)) {}

  Host* next_attacker() { return pool_[attacker_++ % pool_.size()]; }

  Host* next_victim(const Host* not_this, OsWish wish) {
    const std::size_t n = pool_.size();
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t k = 0; k < n; ++k) {
        Host* h = pool_[(victim_ + k) % n];
        if (h == not_this || (pass == 0 && !os_fits(*h, wish))) continue;
        victim_ = (victim_ + k + 1) % n;
        return h;
      }
    }
    return nullptr;
  }

  [[nodiscard]] std::span<Host* const> pool() const noexcept { return pool_; }

 private:
  std::vector<Host*> pool_;
  std::size_t attacker_ = 0;
  std::size_t victim_ = 0;
};

AttackScenario build(const AttackSetup& setup, Rng& rng) {
  switch (setup.kind) {
    case K::kPortScanSyn:
    case K::kPortScanConnect:
    case K::kPortScanFin:
    case K::kPortScanXmas:
    case K::kPortScanNull:
    case K::kPortScanUdp:
      return make_port_scan(setup, rng);
    case K::kHorizontalScan:
      return make_horizontal_scan(setup, rng);
    case K::kPingSweep:
      return make_ping_sweep(setup, rng);
    case K::kSynFlood:
    case K::kSynFloodSpoofed:
    case K::kUdpFlood:
    case K::kIcmpFlood:
      return make_flood(setup, rng);
    case K::kBruteForceSsh:
    case K::kBruteForceFtp:
    case K::kBruteForceRdp:
      return make_brute_force(setup, rng);
    case K::kDnsTunnel:
      return make_dns_tunnel(setup, rng);
    case K::kArpSpoof:
      return make_arp_spoof(setup, rng);
    case K::kExfiltration:
      return make_exfiltration(setup, rng);
    case K::kBeaconing:
      return make_beaconing(setup, rng);
  }
  return {};
}

std::string join(const PlannedAttack& a, bool attackers) {
  if (attackers && a.spoofed_sources) return "spoofed";
  std::string out;
  char text[kMaxIpText];
  for (const IpAddress& ip : attackers ? a.attackers : a.victims) {
    if (!out.empty()) out += ';';
    out.append(text, format_ip(ip, text));
  }
  return out;
}

std::string iso_time(std::int64_t ns) {
  char text[kMaxTimestampText];
  return std::string(text, format_iso8601_us(Timestamp{ns}, text));
}

void write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    throw Error(ErrorKind::kIo,
                fmt::format("cannot write the ground truth '{}': {}", path, std::strerror(errno)));
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    throw Error(ErrorKind::kIo, fmt::format("cannot write the ground truth '{}': {}", path,
                                            std::strerror(written ? errno : err)));
  }
}

}  // namespace

AttackPlan::AttackPlan(TrafficGenerator& generator, const AttackOptions& options) {
  if (options.kinds.empty()) return;
  const TrafficConfig& config = generator.config();
  Network& network = generator.network();
  const double t = config.seconds;
  const std::int64_t run_start = config.start.ns;
  const std::int64_t run_end = run_start + seconds_ns(t);

  const double first = options.start_seconds.value_or(std::min(3.0, 0.05 * t));
  if (!(first >= 0) || !(first < t)) {
    throw Error(
        ErrorKind::kUsage,
        fmt::format("--attack-start must be at least 0 and below the run's {} seconds, not {}", t, first));
  }
  std::vector<Host*> lan;
  for (Host& h : network.hosts()) {
    if (h.vlan == 0) lan.push_back(&h);
  }
  if (lan.size() < 2) {
    throw Error(ErrorKind::kUsage, "attacks need at least 2 hosts on the LAN: use --hosts 2 or more");
  }

  Rng rng(config.seed ^ 0x61747461636b73ULL);
  for (std::size_t i = lan.size() - 1; i > 0; --i) std::swap(lan[i], lan[rng.below(i + 1)]);
  HostPicker picker(lan);

  // Invented outside parties from the documentation ranges: attackers in 203.0.113.0/24, the
  // drop site and the C2 server in 198.51.100.0/24.
  std::vector<std::uint8_t> used_octets;
  const auto outside_address = [&](bool attacker) {
    std::uint8_t octet = 0;
    do {
      octet = static_cast<std::uint8_t>(rng.between(10, 250));
    } while (std::find(used_octets.begin(), used_octets.end(), octet) != used_octets.end());
    used_octets.push_back(octet);
    return attacker ? ipv4(203, 0, 113, octet) : ipv4(198, 51, 100, octet);
  };

  // Start times: the beaconing from the first moment, the others one to a slot of the run in an
  // order the seed shuffles.
  const std::int64_t first_ns = run_start + seconds_ns(first);
  const std::int64_t margin = std::min<std::int64_t>(1 * kSec, seconds_ns(0.02 * t));
  const std::int64_t last_end = std::max(first_ns + 1, run_end - margin);
  std::vector<K> slotted;
  for (K kind : options.kinds) {
    if (kind != K::kBeaconing) slotted.push_back(kind);
  }
  for (std::size_t i = slotted.size(); i > 1; --i) std::swap(slotted[i - 1], slotted[rng.below(i)]);
  // Each attack starts at its slot's share of the time it can start in, so long ones still end
  // inside the run and do not all bunch up at the end.
  std::vector<std::int64_t> starts(attack_kinds().size(), first_ns);
  const bool exact = options.start_seconds.has_value();
  if (!exact) {
    starts[static_cast<std::size_t>(K::kBeaconing)] +=
        static_cast<std::int64_t>(rng.unit() * 0.5 * static_cast<double>(margin));
  }
  for (std::size_t i = 0; i < slotted.size(); ++i) {
    const double share = (static_cast<double>(i) + (i == 0 && exact ? 0.0 : 0.4 * rng.unit())) /
                         static_cast<double>(slotted.size());
    const std::int64_t room =
        std::max<std::int64_t>(last_end - expected_span_ns(slotted[i], t) - first_ns, 0);
    starts[static_cast<std::size_t>(slotted[i])] =
        first_ns + static_cast<std::int64_t>(share * static_cast<double>(room));
  }

  for (K kind : options.kinds) {
    const KindPlan p = kind_plan(kind);
    AttackSetup setup;
    setup.kind = kind;
    setup.start_ns = starts[static_cast<std::size_t>(kind)];
    setup.duration_ns = active_ns(kind, t);
    setup.run_end_ns = run_end;
    setup.site_seed = config.seed;
    setup.volume = exfiltration_volume(t);
    setup.network = &network;
    setup.attacker = p.inside_attacker ? picker.next_attacker() : nullptr;
    if (p.victim) setup.victim = picker.next_victim(setup.attacker, p.victim_os);
    if (p.outside) setup.outside = outside_address(!p.inside_attacker);
    if (kind == K::kArpSpoof) {
      for (Host* h : picker.pool()) {
        if (setup.more_victims.size() == 2) break;
        if (h != setup.attacker && h != setup.victim) setup.more_victims.push_back(h);
      }
    }
    const std::uint64_t stream_seed =
        config.seed ^ (static_cast<std::uint64_t>(kind) + 1) * 0x9e3779b97f4a7c15ULL ^ 0x737472656d61ULL;
    auto stream = std::make_shared<AttackStream>(stream_seed);
    AttackScenario scenario = build(setup, stream->rng);
    generator.add_session(attach_stream(stream, std::move(scenario.session)), Timestamp{setup.start_ns});
    attacks_.push_back(PlannedAttack{.kind = kind,
                                     .attackers = std::move(scenario.attackers),
                                     .victims = std::move(scenario.victims),
                                     .spoofed_sources = scenario.spoofed_sources,
                                     .planned_start_ns = setup.start_ns,
                                     .detail = std::move(scenario.detail),
                                     .stream = std::move(stream)});
  }
}

std::string AttackPlan::truth_csv() const {
  std::vector<const PlannedAttack*> seen;
  for (const PlannedAttack& a : attacks_) {
    if (a.tally().packets != 0) seen.push_back(&a);
  }
  std::stable_sort(seen.begin(), seen.end(), [](const PlannedAttack* x, const PlannedAttack* y) {
    return x->tally().first_ns < y->tally().first_ns;
  });
  std::string text(kTruthHeader);
  text += '\n';
  for (const PlannedAttack* a : seen) {
    const AttackKindInfo& info = attack_info(a->kind);
    text += fmt::format("{},{},{},{},{},{}\n", info.id, info.detector, join(*a, true), join(*a, false),
                        iso_time(a->tally().first_ns), iso_time(a->tally().last_ns));
  }
  return text;
}

void AttackPlan::write_truth(const std::string& path) const {
  write_file(path, truth_csv());
}

void write_empty_truth(const std::string& path) {
  write_file(path, std::string(kTruthHeader) + "\n");
}

std::string default_truth_path(std::string_view capture_path) {
  const std::size_t slash = capture_path.find_last_of('/');
  const std::size_t name_at = slash == std::string_view::npos ? 0 : slash + 1;
  const std::size_t dot = capture_path.find_last_of('.');
  std::string_view stem = capture_path;
  // A leading dot names a hidden file, not an extension.
  if (dot != std::string_view::npos && dot > name_at) stem = capture_path.substr(0, dot);
  return std::string(stem) + ".truth.csv";
}

}  // namespace nta
