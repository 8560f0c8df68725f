#include "synth/network.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace nta {
namespace {

using service::kHttp;
using service::kHttps;
using service::kNtp;
using service::kPing;
using service::kSsh;

constexpr std::array<StackProfile, 3> kProfiles{{
    // Windows 10/11: TTL 128, no timestamps, window scale 8, IANA ephemeral range.
    {.ttl = 128,
     .syn_window = 64240,
     .window = 1026,
     .window_scale = 8,
     .timestamps = false,
     .port_lo = 49152,
     .port_hi = 65535,
     .ping_text_payload = true},
    // Linux: TTL 64, timestamps, window scale 7, 32768-60999.
    {.ttl = 64,
     .syn_window = 64240,
     .window = 502,
     .window_scale = 7,
     .timestamps = true,
     .port_lo = 32768,
     .port_hi = 60999,
     .ping_text_payload = false},
    // macOS: TTL 64, timestamps, window scale 6.
    {.ttl = 64,
     .syn_window = 65535,
     .window = 2058,
     .window_scale = 6,
     .timestamps = true,
     .port_lo = 49152,
     .port_hi = 65535,
     .ping_text_payload = false},
}};

struct ServerSpec {
  const char* name;
  const char* cname;
  const char* ipv4;
  const char* ipv6;
  std::uint8_t services;
  HttpKind http;
  double weight;
  int rtt_ms;          // typical round trip from a European LAN
  int ttl;             // as received: initial TTL less the hops
  bool windows_stack;  // Microsoft front ends: no TCP timestamps, window scale 8
};

// Well-known public services with addresses they have used; what matters is that the traffic
// looks like what a LAN sends to the Internet, not that the addresses are current.
// clang-format off
constexpr ServerSpec kServers[] = {
    {"www.google.com", "", "142.250.185.100", "2a00:1450:4001:831::2004", kHttps | kPing, HttpKind::kNone, 10, 12, 117, false},
    {"www.youtube.com", "youtube-ui.l.google.com", "142.250.186.46", "2a00:1450:4001:82b::200e", kHttps, HttpKind::kNone, 6, 12, 117, false},
    {"fonts.gstatic.com", "", "142.250.184.227", "2a00:1450:4001:830::2003", kHttps, HttpKind::kNone, 5, 13, 117, false},
    {"safebrowsing.googleapis.com", "", "142.250.185.74", "2a00:1450:4001:80e::200a", kHttps, HttpKind::kNone, 2, 12, 117, false},
    {"www.wikipedia.org", "dyna.wikimedia.org", "185.15.59.224", "2a02:ec80:300:ed1a::1", kHttps, HttpKind::kNone, 3, 24, 55, false},
    {"github.com", "", "140.82.121.4", "", kHttps | kSsh, HttpKind::kNone, 4, 28, 51, false},
    {"api.github.com", "", "140.82.121.6", "", kHttps, HttpKind::kNone, 2, 28, 51, false},
    {"objects.githubusercontent.com", "", "185.199.108.133", "2606:50c0:8000::154", kHttps, HttpKind::kNone, 2, 9, 58, false},
    {"gitlab.com", "", "172.65.251.78", "2606:4700:90:0:f22e:fbec:5bed:a9b9", kHttps | kSsh, HttpKind::kNone, 1, 10, 57, false},
    {"www.cloudflare.com", "", "104.16.124.96", "2606:4700::6810:7c60", kHttps, HttpKind::kNone, 2, 8, 57, false},
    {"cdn.jsdelivr.net", "jsdelivr.map.fastly.net", "151.101.1.229", "2a04:4e42::485", kHttps, HttpKind::kNone, 3, 9, 58, false},
    {"www.reddit.com", "reddit.map.fastly.net", "151.101.65.140", "2a04:4e42:200::396", kHttps, HttpKind::kNone, 3, 10, 58, false},
    {"www.bbc.co.uk", "www.bbc.co.uk.pri.bbc.co.uk", "151.101.0.81", "2a04:4e42::81", kHttps, HttpKind::kNone, 2, 10, 58, false},
    {"stackoverflow.com", "", "104.18.32.7", "2606:4700::6812:2007", kHttps, HttpKind::kNone, 2, 8, 57, false},
    {"www.facebook.com", "star-mini.c10r.facebook.com", "157.240.252.35", "2a03:2880:f107:83:face:b00c:0:25de", kHttps | kPing, HttpKind::kNone, 3, 15, 56, false},
    {"static.xx.fbcdn.net", "scontent.xx.fbcdn.net", "157.240.252.11", "2a03:2880:f007:83:face:b00c:0:3", kHttps, HttpKind::kNone, 2, 15, 56, false},
    {"www.amazon.com", "tp.47cf2c8c9-frontier.amazon.com", "18.66.97.71", "", kHttps, HttpKind::kNone, 2, 22, 243, false},
    {"login.microsoftonline.com", "", "20.190.160.14", "", kHttps, HttpKind::kNone, 3, 25, 112, true},
    {"outlook.office365.com", "outlook.ms-acdc.office.com", "52.97.219.82", "2603:1026:c0b:10::2", kHttps, HttpKind::kNone, 3, 20, 112, true},
    {"teams.microsoft.com", "", "52.113.194.132", "", kHttps, HttpKind::kNone, 2, 25, 112, true},
    {"www.linkedin.com", "", "13.107.42.14", "2620:1ec:21::14", kHttps, HttpKind::kNone, 1, 20, 112, true},
    {"slack.com", "", "3.125.102.39", "", kHttps, HttpKind::kNone, 2, 32, 240, false},
    {"api.spotify.com", "", "35.186.224.25", "2600:1901:1:c36::", kHttps, HttpKind::kNone, 2, 24, 117, false},
    {"www.netflix.com", "www.dradis.netflix.com", "54.155.178.5", "", kHttps, HttpKind::kNone, 1, 30, 238, false},
    {"news.ycombinator.com", "", "209.216.230.207", "", kHttps, HttpKind::kNone, 1, 79, 50, false},
    {"www.example.com", "", "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", kHttps | kHttp | kPing, HttpKind::kWebPage, 1, 36, 54, false},
    {"neverssl.com", "", "34.223.124.45", "", kHttp, HttpKind::kWebPage, 1, 75, 233, false},
    {"detectportal.firefox.com", "prod.detectportal.prod.cloudops.mozgcp.net", "34.107.221.82", "2600:1901:0:38d7::", kHttp, HttpKind::kPortalCheck, 2, 14, 117, false},
    {"www.msftconnecttest.com", "www.msftncsi.com.edgesuite.net", "13.107.4.52", "", kHttp, HttpKind::kConnectivityCheck, 3, 18, 118, true},
    {"connectivity-check.ubuntu.com", "", "35.232.111.17", "2620:2d:4000:1::22", kHttp, HttpKind::kNoContent, 1, 70, 115, false},
    {"deb.debian.org", "debian.map.fastly.net", "151.101.2.132", "2a04:4e42::644", kHttp, HttpKind::kPackages, 1, 9, 58, false},
    {"time.cloudflare.com", "", "162.159.200.123", "2606:4700:f1::123", kNtp, HttpKind::kNone, 3, 8, 57, false},
    {"time.google.com", "", "216.239.35.0", "2001:4860:4806::", kNtp, HttpKind::kNone, 2, 14, 117, false},
    {"time.windows.com", "twc.trafficmanager.net", "20.101.57.9", "", kNtp, HttpKind::kNone, 3, 19, 112, true},
    {"2.debian.pool.ntp.org", "", "195.201.19.162", "", kNtp, HttpKind::kNone, 2, 11, 56, false},
    {"shell.example.net", "", "46.101.72.15", "2a03:b0c0:3:d0::1b2:1", kSsh | kPing, HttpKind::kNone, 2, 17, 52, false},
};

constexpr ServerSpec kPingTargets[] = {
    {"dns.google", "", "8.8.8.8", "2001:4860:4860::8888", kPing, HttpKind::kNone, 1, 11, 117, false},
    {"one.one.one.one", "", "1.1.1.1", "2606:4700:4700::1111", kPing, HttpKind::kNone, 1, 7, 57, false},
};

constexpr std::string_view kNonexistentNames[] = {
    "wpad.lan", "printer.lan", "nas.lan", "fritz.box", "isatap.lan", "www.exmaple.com",
    "cdn.adtrack-metrics.net", "api.staging.internal", "mail.nonexistent-company.org",
    "wpad", "time.lan", "_ldap._tcp.dc._msdcs.corp.lan", "update.oldvendor-software.com",
};

// Organisationally unique identifiers of the NICs such hosts ship with.
constexpr std::array<std::uint8_t, 3> kWindowsOuis[] = {{0x00, 0x1b, 0x21}, {0x8c, 0x16, 0x45}, {0xf4, 0x8e, 0x38}, {0x54, 0xe1, 0xad}};
constexpr std::array<std::uint8_t, 3> kLinuxOuis[] = {{0xdc, 0xa6, 0x32}, {0x00, 0x50, 0x56}, {0x52, 0x54, 0x00}, {0x3c, 0x7c, 0x3f}};
constexpr std::array<std::uint8_t, 3> kMacOuis[] = {{0x3c, 0x22, 0xfb}, {0xa4, 0x83, 0xe7}, {0xf0, 0x18, 0x98}, {0x88, 0x66, 0x5a}};
// clang-format on

IpAddress parse(const char* text) {
  IpAddress a;
  if (text != nullptr && *text != '\0') parse_ip(text, a);
  return a;
}

Server make_server(const ServerSpec& spec, Rng& rng) {
  Server s;
  s.name = spec.name;
  s.cname = spec.cname;
  s.ipv4 = parse(spec.ipv4);
  s.ipv6 = parse(spec.ipv6);
  s.services = spec.services;
  s.http = spec.http;
  s.weight = spec.weight;
  // Round trips vary by site and by seed, within 1..80 ms.
  const double rtt_ms = std::clamp(spec.rtt_ms * rng.uniform(0.8, 1.2), 1.0, 80.0);
  s.rtt_ns = static_cast<std::int64_t>(rtt_ms * 1e6);
  s.ttl = static_cast<std::uint8_t>(spec.ttl);
  s.timestamps = !spec.windows_stack;
  s.window_scale = static_cast<std::int8_t>(spec.windows_stack ? 8 : rng.between(7, 10));
  s.syn_window = spec.windows_stack ? 65535 : (rng.chance(0.5) ? 65535 : 64240);
  // Scaled windows of a few hundred KB: never a limit for what clients send.
  s.window = static_cast<std::uint16_t>(rng.between(500, 2000));
  s.mss = rng.chance(0.2) ? 1400 : 1460;  // some CDNs clamp to 1400
  // Bulk data arrives at 50..240 Mbit/s: at least ~50 us between full-size segments, which keeps
  // the client's immediate ACKs (under 40 us) between segments.
  s.bottleneck_bps = static_cast<std::uint32_t>(rng.between(50, 240) * 1'000'000);
  return s;
}

}  // namespace

const StackProfile& stack_profile(HostOs os) noexcept {
  return kProfiles[static_cast<std::size_t>(os)];
}

std::uint16_t Host::allocate_port() noexcept {
  const StackProfile& p = profile();
  if (next_port < p.port_lo || next_port >= p.port_hi) next_port = p.port_lo;
  return next_port++;
}

std::span<const std::string_view> Network::nonexistent_names() noexcept {
  return kNonexistentNames;
}

Network::Network(std::uint32_t host_count, std::uint64_t seed) {
  // The network layout has its own stream, so the same seed gives the same hosts whatever the
  // traffic does.
  Rng rng(seed ^ 0x6e6574776f726bULL);
  gateway_mac_ = MacAddress{{0x00, 0x0d, 0xb9, 0x5a, 0x3c, 0x01}};
  parse_ip("192.168.1.1", gateway_ipv4_);
  parse_ip("fe80::20d:b9ff:fe5a:3c01", gateway_ipv6_ll_);

  hosts_.resize(host_count);
  // A bijection on 24 bits keeps every host's MAC distinct whatever the OUI.
  const std::uint32_t mac_salt = rng.next_u32() & 0xffffff;
  for (std::uint32_t i = 0; i < host_count; ++i) {
    Host& h = hosts_[i];
    h.index = i;
    const double os_pick = rng.unit();
    h.os = os_pick < 0.55 ? HostOs::kWindows : os_pick < 0.8 ? HostOs::kLinux : HostOs::kMacos;
    const auto& ouis = h.os == HostOs::kWindows ? kWindowsOuis
                       : h.os == HostOs::kLinux ? kLinuxOuis
                                                : kMacOuis;
    const auto& oui = ouis[rng.below(4)];
    const std::uint32_t nic = ((i * 0x9e3779u) ^ mac_salt) & 0xffffff;
    h.mac = MacAddress{{oui[0], oui[1], oui[2], static_cast<std::uint8_t>(nic >> 16),
                        static_cast<std::uint8_t>(nic >> 8), static_cast<std::uint8_t>(nic)}};
    // 192.168.1.2-254 first; bigger sites spill into the next /24s of 192.168.0.0/16.
    const std::uint8_t ip[4] = {192, 168, static_cast<std::uint8_t>(1 + i / 253),
                                static_cast<std::uint8_t>(2 + i % 253)};
    h.ipv4 = IpAddress::v4(ip);
    if (rng.chance(0.6)) {
      std::uint8_t ll[16] = {0xfe, 0x80};
      ll[8] = static_cast<std::uint8_t>(h.mac.bytes[0] ^ 0x02);
      ll[9] = h.mac.bytes[1];
      ll[10] = h.mac.bytes[2];
      ll[11] = 0xff;
      ll[12] = 0xfe;
      ll[13] = h.mac.bytes[3];
      ll[14] = h.mac.bytes[4];
      ll[15] = h.mac.bytes[5];
      h.ipv6_link_local = IpAddress::v6(ll);
      // Global address: a random (privacy) interface id in 2001:db8:1::/64.
      std::uint8_t global[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
      const std::uint64_t iid = rng.next();
      for (int b = 0; b < 8; ++b) global[8 + b] = static_cast<std::uint8_t>(iid >> (56 - 8 * b));
      h.ipv6 = IpAddress::v6(global);
    }
    // One host in eight sits on a tagged VLAN (a voice/IoT VLAN trunked to the capture port).
    h.vlan = i % 8 == 5 ? 20 : 0;
    h.activity = std::clamp(rng.lognormal(0.78, 0.7), 0.1, 6.0);
    const StackProfile& p = h.profile();
    h.next_port = static_cast<std::uint16_t>(rng.between(p.port_lo, p.port_hi));
    h.ip_id = rng.next_u16();
  }

  for (const ServerSpec& spec : kServers) servers_.push_back(make_server(spec, rng));
  for (const ServerSpec& spec : kPingTargets) ping_targets_.push_back(make_server(spec, rng));
}

const Server* Network::pick_server(std::uint8_t service_bit, bool need_ipv6, Rng& rng) const noexcept {
  double total = 0;
  for (const Server& s : servers_) {
    if ((s.services & service_bit) != 0 && (!need_ipv6 || s.has_ipv6())) total += s.weight;
  }
  if (total <= 0) return nullptr;
  double x = rng.unit() * total;
  const Server* last = nullptr;
  for (const Server& s : servers_) {
    if ((s.services & service_bit) == 0 || (need_ipv6 && !s.has_ipv6())) continue;
    last = &s;
    if (x < s.weight) return &s;
    x -= s.weight;
  }
  return last;
}

Host* Network::pick_neighbour(const Host& host, Rng& rng) noexcept {
  if (hosts_.size() < 2) return nullptr;
  // A few tries are plenty: most hosts share the untagged LAN.
  for (int attempt = 0; attempt < 8; ++attempt) {
    Host& other = hosts_[static_cast<std::size_t>(rng.below(hosts_.size()))];
    if (other.index != host.index && other.vlan == host.vlan) return &other;
  }
  return nullptr;
}

Host* Network::pick_ipv6_neighbour(const Host& host, Rng& rng) noexcept {
  if (hosts_.size() < 2) return nullptr;
  for (int attempt = 0; attempt < 8; ++attempt) {
    Host& other = hosts_[static_cast<std::size_t>(rng.below(hosts_.size()))];
    if (other.index != host.index && other.vlan == host.vlan && other.has_ipv6()) return &other;
  }
  return nullptr;
}

}  // namespace nta
