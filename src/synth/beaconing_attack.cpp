#include "synth/beaconing_attack.h"

#include <fmt/core.h>

#include <algorithm>
#include <memory>

#include "synth/attack_payloads.h"
#include "synth/attack_tcp.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;
using attack_time::kUs;

constexpr std::string_view kC2Names[] = {"cdn.static-content.example", "update.msft-telemetry.example",
                                         "api.weather-widget.example"};

// Beacons are alike: the same request and, with no tasks waiting, the same small answer.
struct BeaconShape {
  std::string_view server_name;
  std::size_t flight = 0;
  std::size_t request = 0;
  std::size_t answer = 0;
};

class Beacon final : public ScriptedTcpSession {
 public:
  Beacon(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng, const BeaconShape& shape)
      : ScriptedTcpSession(client, server, vlan, rng), shape_(shape) {
    rng.fill(session_id_);
  }

 protected:
  ScriptStep next_step(SessionContext& ctx) override {
    Rng& rng = ctx.rng;
    switch (stage_++) {
      case 0:
        append_client_hello(composed_, ctx, shape_.server_name, session_id_);
        return {TcpSide::kClient, composed_size(), rng.between(60 * kUs, 400 * kUs)};
      case 1:
        append_server_flight(composed_, ctx, session_id_, shape_.flight);
        return {TcpSide::kServer, composed_size(), rng.between(1 * kMs, 3 * kMs)};
      case 2:  // Finished and the check-in request (a GET with the session in a cookie)
        append_client_finished(composed_, ctx);
        append_tls_record(composed_, ctx, tls::kApplicationData, shape_.request + rng.below(8));
        return {TcpSide::kClient, composed_size(), rng.between(200 * kUs, 1 * kMs)};
      case 3:
        append_tls_record(composed_, ctx, tls::kApplicationData, shape_.answer);
        return {TcpSide::kServer, composed_size(), rng.between(2 * kMs, 15 * kMs)};
      case 4:  // close_notify
        append_tls_record(composed_, ctx, tls::kApplicationData, 19);
        return {TcpSide::kClient, composed_size(), rng.between(1 * kMs, 5 * kMs)};
      default:
        return {TcpSide::kClient, 0, rng.between(20 * kUs, 100 * kUs), TcpClose::kClientFin};
    }
  }

 private:
  BeaconShape shape_;
  TlsSessionId session_id_{};
  int stage_ = 0;
};

class BeaconRun final : public Session {
 public:
  BeaconRun(Host& host, const TcpEnd& server, const BeaconShape& shape, std::int64_t period_ns,
            std::int64_t last_start_ns, Rng& rng)
      : host_(host),
        server_(server),
        shape_(shape),
        period_ns_(period_ns),
        last_start_ns_(last_start_ns),
        ports_(host, rng) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    ctx.spawn(std::make_unique<Beacon>(lan_end(host_, ports_.next()), server_, host_.vlan, rng, shape_),
              now_ns);
    const double jitter = rng.uniform(-kBeaconJitter, kBeaconJitter);
    const std::int64_t next =
        now_ns + static_cast<std::int64_t>(static_cast<double>(period_ns_) * (1.0 + jitter));
    return {0, next <= last_start_ns_ ? next : kNever};
  }

 private:
  Host& host_;
  TcpEnd server_;
  BeaconShape shape_;
  std::int64_t period_ns_;
  std::int64_t last_start_ns_;
  PortCounter ports_;
};

}  // namespace

std::int64_t beacon_period(std::int64_t start_ns, std::int64_t run_end_ns) noexcept {
  // The last callback needs about a second to finish inside the capture.
  const std::int64_t span = std::max<std::int64_t>(run_end_ns - start_ns - 1 * kSec, 0);
  return std::clamp<std::int64_t>(span / 11, 1 * kSec, 60 * kSec);
}

AttackScenario make_beaconing(const AttackSetup& setup, Rng& rng) {
  Host& host = *setup.attacker;
  const std::int64_t period = beacon_period(setup.start_ns, setup.run_end_ns);
  const BeaconShape shape{.server_name = kC2Names[rng.below(std::size(kC2Names))],
                          .flight = static_cast<std::size_t>(rng.between(1800, 2600)),
                          .request = static_cast<std::size_t>(rng.between(180, 320)),
                          .answer = static_cast<std::size_t>(rng.between(48, 120))};
  const TcpEnd server = outside_end(*setup.network, setup.outside, 443, internet_linux_stack(rng),
                                    rng.between(25 * kMs, 90 * kMs));
  AttackScenario s;
  s.detail = fmt::format("period {:.3f} s +-{:.0f}%", static_cast<double>(period) / 1e9, kBeaconJitter * 100);
  s.session = std::make_unique<BeaconRun>(host, server, shape, period, setup.run_end_ns - 1 * kSec, rng);
  s.attackers = {host.ipv4};
  s.victims = {setup.outside};
  return s;
}

}  // namespace nta
