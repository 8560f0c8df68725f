#pragma once
// The simulated site: a LAN of client hosts behind one gateway (also the DNS resolver) and a set of
// outside servers with plausible public addresses. Built once from the seed; sessions read it and
// update the few per-host counters (ephemeral ports, IP ids).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "synth/frame_builder.h"
#include "synth/rng.h"

namespace nta {

enum class HostOs : std::uint8_t { kWindows, kLinux, kMacos };

// How an operating system's TCP/IP stack looks on the wire.
struct StackProfile {
  std::uint8_t ttl;
  std::uint16_t syn_window;  // window field on the SYN (unscaled)
  std::uint16_t window;      // window field after the handshake (scaled by window_scale)
  std::int8_t window_scale;
  bool timestamps;
  std::uint16_t port_lo;  // ephemeral port range
  std::uint16_t port_hi;
  bool ping_text_payload;  // Windows ping sends 32 letters; the others a timeval and a ramp
};

[[nodiscard]] const StackProfile& stack_profile(HostOs os) noexcept;

struct Host {
  std::uint32_t index = 0;
  HostOs os = HostOs::kWindows;
  MacAddress mac;
  IpAddress ipv4;
  IpAddress ipv6;             // global (2001:db8:1::/64), empty when the host has no IPv6
  IpAddress ipv6_link_local;  // fe80::/64 from the MAC (EUI-64), empty without IPv6
  std::uint16_t vlan = 0;     // 802.1Q tag of the host's frames; 0 = untagged
  double activity = 1.0;      // multiplies the host's session arrival rate

  std::uint16_t next_port = 0;
  std::uint16_t ip_id = 0;  // hosts that number IPv4 packets globally (Windows) use this

  [[nodiscard]] bool has_ipv6() const noexcept { return !ipv6.empty(); }
  [[nodiscard]] const StackProfile& profile() const noexcept { return stack_profile(os); }
  // The next ephemeral port, in sequence as Windows and macOS hand them out.
  std::uint16_t allocate_port() noexcept;
};

// What a server answers; a bit set.
namespace service {
inline constexpr std::uint8_t kHttps = 1;
inline constexpr std::uint8_t kHttp = 2;
inline constexpr std::uint8_t kSsh = 4;
inline constexpr std::uint8_t kNtp = 8;
inline constexpr std::uint8_t kPing = 16;
}  // namespace service

// The HTTP flavour of a plain-HTTP server: what its GETs fetch.
enum class HttpKind : std::uint8_t {
  kNone,
  kConnectivityCheck,
  kPortalCheck,
  kNoContent,
  kWebPage,
  kPackages
};

struct Server {
  std::string_view name;   // DNS name
  std::string_view cname;  // canonical name the resolver returns first, if any
  IpAddress ipv4;
  IpAddress ipv6;  // empty if the server has no IPv6
  std::uint8_t services = 0;
  HttpKind http = HttpKind::kNone;
  double weight = 1.0;       // popularity among sessions of a service
  std::int64_t rtt_ns = 0;   // base round-trip time from the LAN
  std::uint8_t ttl = 0;      // TTL of its packets as they reach the LAN
  std::uint16_t mss = 1460;  // MSS it announces over IPv4 (IPv6: 20 less)
  std::int8_t window_scale = 7;
  std::uint16_t syn_window = 65535;
  std::uint16_t window = 501;
  bool timestamps = true;            // answers the timestamp option when offered
  std::uint32_t bottleneck_bps = 0;  // rate at which its bulk data reaches the LAN

  [[nodiscard]] bool has_ipv6() const noexcept { return !ipv6.empty(); }
};

class Network {
 public:
  Network(std::uint32_t host_count, std::uint64_t seed);

  [[nodiscard]] std::span<Host> hosts() noexcept { return hosts_; }
  [[nodiscard]] std::span<const Server> servers() const noexcept { return servers_; }
  [[nodiscard]] const MacAddress& gateway_mac() const noexcept { return gateway_mac_; }
  [[nodiscard]] const IpAddress& gateway_ipv4() const noexcept { return gateway_ipv4_; }
  [[nodiscard]] const IpAddress& gateway_ipv6_link_local() const noexcept { return gateway_ipv6_ll_; }
  // Public resolvers that hosts ping by address (8.8.8.8, 1.1.1.1 and their IPv6 twins).
  [[nodiscard]] std::span<const Server> ping_targets() const noexcept { return ping_targets_; }
  // Names that do not exist (typos, WPAD, local names leaking to DNS).
  [[nodiscard]] static std::span<const std::string_view> nonexistent_names() noexcept;

  // A server offering `service`, by popularity; with need_ipv6, only servers that have IPv6
  // (nullptr if none does).
  [[nodiscard]] const Server* pick_server(std::uint8_t service_bit, bool need_ipv6, Rng& rng) const noexcept;
  // Another host on the same VLAN with IPv6, if there is one.
  [[nodiscard]] Host* pick_ipv6_neighbour(const Host& host, Rng& rng) noexcept;
  [[nodiscard]] Host* pick_neighbour(const Host& host, Rng& rng) noexcept;

 private:
  std::vector<Host> hosts_;
  std::vector<Server> servers_;
  std::vector<Server> ping_targets_;
  MacAddress gateway_mac_;
  IpAddress gateway_ipv4_;
  IpAddress gateway_ipv6_ll_;
};

}  // namespace nta
