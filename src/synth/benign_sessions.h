#pragma once
// The ordinary traffic of a LAN: each host's activity (a Poisson stream of session arrivals) and
// the sessions it starts: DNS lookups, HTTPS/HTTP/SSH connections, NTP, pings, ARP, a probe of a
// closed port. Attack scenarios live elsewhere and reuse the same building blocks.
#include <cstdint>
#include <memory>

#include "synth/network.h"
#include "synth/session.h"

namespace nta {

// How busy hosts are and what they do; the weights need not sum to one.
struct ActivityMix {
  double sessions_per_second = 0.06;  // arrivals per host (times Host::activity)
  double https = 0.50;
  double http = 0.06;
  double ssh = 0.008;
  double dns_only = 0.17;
  double ntp = 0.05;
  double ping = 0.035;
  double closed_port = 0.012;
  double udp_unreachable = 0.01;
  double local_ipv6_ping = 0.01;
  double ipv6_share = 0.5;           // of connections from dual-stack hosts to dual-stack servers
  double dns_before_connect = 0.85;  // connections preceded by a lookup (the rest hit the cache)
};

// The per-host driver: ARP for the gateway at start and now and then, then session arrivals.
// Emits no packets itself.
std::unique_ptr<Session> make_host_activity(Host& host, const ActivityMix& mix);

// Individual sessions, for tests and for scenarios that script traffic themselves.
std::unique_ptr<Session> make_https_session(Network& network, Host& host, const Server& server, bool ipv6,
                                            Rng& rng);
std::unique_ptr<Session> make_dns_lookup(Network& network, Host& host, const Server& server, bool ipv6,
                                         std::unique_ptr<Session> then, Rng& rng);

}  // namespace nta
