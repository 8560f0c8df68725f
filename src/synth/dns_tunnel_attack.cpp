#include "synth/dns_tunnel_attack.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>

#include "synth/frame_builder.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;

constexpr std::string_view kDomains[] = {"t.cdn-edge-sync.example", "d.telemetry-updates.example",
                                         "ns.static-cache.example"};
constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::uint16_t kTypeCname = 5;
constexpr std::uint16_t kTypeNull = 10;
constexpr std::uint16_t kTypeTxt = 16;

void put16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

// `chars` base32 characters cut into labels of at most 63, then the domain.
std::string tunnel_name(Rng& rng, std::size_t chars, std::string_view domain) {
  std::string name;
  for (std::size_t i = 0; i < chars; ++i) {
    if (i != 0 && i % 63 == 0) name += '.';
    name += kBase32[rng.below(32)];
  }
  name += '.';
  name += domain;
  return name;
}

// Labels of `name` in wire form; returns the end, or nullptr if it does not fit.
std::uint8_t* put_name(std::uint8_t* p, const std::uint8_t* end, std::string_view name) noexcept {
  while (!name.empty()) {
    const std::size_t dot = std::min(name.find('.'), name.size());
    if (dot == 0 || dot > 63 || end - p < static_cast<std::ptrdiff_t>(dot + 2)) return nullptr;
    *p++ = static_cast<std::uint8_t>(dot);
    std::memcpy(p, name.data(), dot);
    p += dot;
    name.remove_prefix(std::min(dot + 1, name.size()));
  }
  *p++ = 0;
  return p;
}

// The resolver's answer: the question echoed and one record of the queried type, TTL 0 as
// tunnel servers send so that nothing is cached.
std::size_t write_tunnel_answer(std::span<std::uint8_t> out, std::uint16_t id, std::string_view qname,
                                std::uint16_t qtype, std::span<const std::uint8_t> rdata_text,
                                std::string_view cname) noexcept {
  std::uint8_t* const begin = out.data();
  const std::uint8_t* const end = begin + out.size();
  if (out.size() < 12) return 0;
  put16(begin, id);
  put16(begin + 2, 0x8180);
  put16(begin + 4, 1);
  put16(begin + 6, 1);
  put16(begin + 8, 0);
  put16(begin + 10, 0);
  std::uint8_t* p = put_name(begin + 12, end - 4, qname);
  if (p == nullptr) return 0;
  put16(p, qtype);
  put16(p + 2, 1);
  p += 4;
  if (end - p < 12) return 0;
  put16(p, 0xc00c);
  put16(p + 2, qtype);
  put16(p + 4, 1);
  put16(p + 6, 0);
  put16(p + 8, 0);  // TTL 0
  std::uint8_t* const rdlength = p + 10;
  p += 12;
  if (qtype == kTypeCname) {
    p = put_name(p, end, cname);
    if (p == nullptr) return 0;
  } else if (qtype == kTypeTxt) {
    // One character-string per 255 bytes.
    std::size_t left = rdata_text.size();
    const std::uint8_t* src = rdata_text.data();
    while (left > 0) {
      const std::size_t n = std::min<std::size_t>(left, 255);
      if (end - p < static_cast<std::ptrdiff_t>(n + 1)) return 0;
      *p++ = static_cast<std::uint8_t>(n);
      std::memcpy(p, src, n);
      p += n;
      src += n;
      left -= n;
    }
  } else {
    if (end - p < static_cast<std::ptrdiff_t>(rdata_text.size())) return 0;
    std::memcpy(p, rdata_text.data(), rdata_text.size());
    p += rdata_text.size();
  }
  put16(rdlength, static_cast<std::uint16_t>(p - rdlength - 2));
  return static_cast<std::size_t>(p - begin);
}

struct TunnelEnds {
  MacAddress host_mac;
  MacAddress gateway_mac;
  IpAddress host_ip;
  IpAddress resolver_ip;
  std::uint16_t vlan = 0;
  std::uint8_t host_ttl = 64;
};

class TunnelAnswer final : public Session {
 public:
  TunnelAnswer(const TunnelEnds& ends, std::string name, std::uint16_t qtype, std::uint16_t id,
               std::uint16_t port, std::string_view domain)
      : ends_(ends), name_(std::move(name)), qtype_(qtype), id_(id), port_(port), domain_(domain) {}

  SessionStep step(SessionContext& ctx, std::int64_t) override {
    Rng& rng = ctx.rng;
    // Downstream data, sized so that the whole message stays within 512 bytes.
    const std::size_t room = 512 - 12 - (name_.size() + 2) - 4 - 12;
    std::array<std::uint8_t, 300> data{};
    std::size_t len = std::min<std::size_t>(room, static_cast<std::size_t>(rng.between(60, 240)));
    len = std::min(len, data.size());
    std::string cname;
    if (qtype_ == kTypeTxt) {
      for (std::size_t i = 0; i < len; ++i) data[i] = static_cast<std::uint8_t>(kBase64[rng.below(64)]);
    } else if (qtype_ == kTypeNull) {
      rng.fill(std::span<std::uint8_t>(data.data(), len));
    } else {
      cname = tunnel_name(rng, std::min<std::size_t>(len, room > 40 ? room - 40 : 10), domain_);
    }
    const std::size_t n = write_tunnel_answer(ctx.payload, id_, name_, qtype_,
                                              std::span<const std::uint8_t>(data.data(), len), cname);
    const EthernetSpec eth{.src = ends_.gateway_mac, .dst = ends_.host_mac, .vlan = ends_.vlan};
    const IpSpec ip{.src = ends_.resolver_ip,
                    .dst = ends_.host_ip,
                    .ttl = 64,
                    .id = rng.next_u16(),
                    .dont_fragment = false};
    return {ctx.frames.udp(eth, ip, 53, port_, ctx.payload.first(n)), kNever};
  }

 private:
  TunnelEnds ends_;
  std::string name_;
  std::uint16_t qtype_;
  std::uint16_t id_;
  std::uint16_t port_;
  std::string_view domain_;
};

class DnsTunnel final : public Session {
 public:
  DnsTunnel(const AttackSetup& setup, Rng& rng)
      : host_(*setup.attacker),
        end_ns_(setup.start_ns + setup.duration_ns),
        domain_(kDomains[rng.below(std::size(kDomains))]),
        ip_id_(rng.next_u16()) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    if (now_ns >= end_ns_ && sent_ > 0) return {0, kNever};
    Rng& rng = ctx.rng;
    const Network& net = ctx.network;
    const TunnelEnds ends{host_.mac,          net.gateway_mac(), host_.ipv4,
                          net.gateway_ipv4(), host_.vlan,        host_.profile().ttl};
    const double pick = rng.unit();
    const std::uint16_t qtype = pick < 0.6 ? kTypeTxt : pick < 0.85 ? kTypeNull : kTypeCname;
    std::string name = tunnel_name(rng, static_cast<std::size_t>(rng.between(100, 180)), domain_);
    const std::uint16_t id = rng.next_u16();
    const StackProfile& p = host_.profile();
    const auto port = static_cast<std::uint16_t>(rng.between(p.port_lo, p.port_hi));
    const std::size_t n = write_dns_query(ctx.payload, id, name, static_cast<DnsType>(qtype));
    const EthernetSpec eth{.src = host_.mac, .dst = net.gateway_mac(), .vlan = host_.vlan};
    const IpSpec ip{.src = host_.ipv4, .dst = net.gateway_ipv4(), .ttl = p.ttl, .id = ip_id_++};
    ctx.count_flow();
    const std::size_t size = ctx.frames.udp(eth, ip, port, 53, ctx.payload.first(n));
    // Every name is new, so the resolver always asks the tunnel's authoritative server.
    const auto wait = static_cast<std::int64_t>(std::clamp(rng.lognormal(35.0, 0.5), 12.0, 300.0) * 1e6);
    ctx.spawn(std::make_unique<TunnelAnswer>(ends, std::move(name), qtype, id, port, domain_), now_ns + wait);
    ++sent_;
    // Bursts while data flows, pauses while the tunnel polls.
    const double mean_ms = rng.chance(0.8) ? 60.0 : 700.0;
    const auto gap = static_cast<std::int64_t>((10.0 + rng.exponential(mean_ms)) * 1e6);
    return {size, now_ns + gap};
  }

  [[nodiscard]] std::string_view domain() const noexcept { return domain_; }

 private:
  Host& host_;
  std::int64_t end_ns_;
  std::string_view domain_;
  std::uint16_t ip_id_;
  std::uint64_t sent_ = 0;
};

}  // namespace

std::span<const std::string_view> dns_tunnel_domains() noexcept {
  return kDomains;
}

AttackScenario make_dns_tunnel(const AttackSetup& setup, Rng& rng) {
  AttackScenario s;
  auto tunnel = std::make_unique<DnsTunnel>(setup, rng);
  s.detail =
      fmt::format("domain {} for {:.1f} s", tunnel->domain(), static_cast<double>(setup.duration_ns) / 1e9);
  s.session = std::move(tunnel);
  s.attackers = {setup.attacker->ipv4};
  s.victims = {setup.network->gateway_ipv4()};
  return s;
}

}  // namespace nta
