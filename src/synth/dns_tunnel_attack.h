#pragma once
// DNS tunnelling: a LAN host smuggles data through the site's resolver in queries for long,
// high-entropy base32 subdomains of one domain (TXT, NULL and CNAME queries, about five a second
// with bursts), and the tunnel server's data comes back in the answers (TXT strings, NULL
// records, CNAME targets), each after a trip to the domain's authoritative server.
#include <string_view>

#include "synth/attack_session.h"

namespace nta {

inline constexpr double kDnsTunnelQueriesPerSecond = 5.0;

// The tunnel domains the seed chooses from (reserved names: they resolve nowhere real).
[[nodiscard]] std::span<const std::string_view> dns_tunnel_domains() noexcept;

AttackScenario make_dns_tunnel(const AttackSetup& setup, Rng& rng);

}  // namespace nta
