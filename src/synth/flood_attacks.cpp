#include "synth/flood_attacks.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "synth/app_payloads.h"
#include "synth/frame_builder.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;
using attack_time::kUs;

constexpr std::uint16_t kWebPort = 80;
// Linux's ICMP error limit towards one destination: a token bucket of 6, one token a second.
constexpr double kIcmpBurst = 6.0;

// The victim's SYN-ACK to one flood SYN, retransmitted 1 s and 3 s later while nothing answers.
class SynAckAnswer final : public Session {
 public:
  SynAckAnswer(const EthernetSpec& eth, const IpAddress& from, const IpAddress& to, std::uint8_t ttl,
               std::uint16_t sport, std::uint16_t dport, std::uint32_t syn_seq, std::uint16_t window,
               Rng& rng)
      : eth_(eth),
        from_(from),
        to_(to),
        ttl_(ttl),
        sport_(sport),
        dport_(dport),
        syn_seq_(syn_seq),
        seq_(rng.next_u32()),
        window_(window) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    TcpSpec tcp{.src_port = sport_,
                .dst_port = dport_,
                .seq = seq_,
                .ack = syn_seq_ + 1,
                .flags = TcpSpec::kSyn | TcpSpec::kAck,
                .window = window_};
    tcp.options.mss = 1460;  // the SYN offered no other option
    const IpSpec ip{.src = from_, .dst = to_, .ttl = ttl_, .id = 0};
    const std::size_t size = ctx.frames.tcp(eth_, ip, tcp, {});
    ++sent_;
    const std::int64_t next = sent_ == 1 ? now_ns + 1 * kSec : sent_ == 2 ? now_ns + 2 * kSec : kNever;
    return {size, next};
  }

 private:
  EthernetSpec eth_;
  IpAddress from_;
  IpAddress to_;
  std::uint8_t ttl_;
  std::uint16_t sport_;
  std::uint16_t dport_;
  std::uint32_t syn_seq_;
  std::uint32_t seq_;
  std::uint16_t window_;
  int sent_ = 0;
};

class IcmpErrorAnswer final : public Session {
 public:
  IcmpErrorAnswer(const EthernetSpec& eth, const IpSpec& ip, std::span<const std::uint8_t> offending)
      : eth_(eth), ip_(ip) {
    len_ = std::min(offending.size(), quoted_.size());
    std::memcpy(quoted_.data(), offending.data(), len_);
  }
  SessionStep step(SessionContext& ctx, std::int64_t) override {
    return {ctx.frames.icmp_error(eth_, ip_, IcmpError::kPortUnreachable,
                                  std::span<const std::uint8_t>(quoted_.data(), len_)),
            kNever};
  }

 private:
  EthernetSpec eth_;
  IpSpec ip_;
  std::array<std::uint8_t, 576> quoted_{};
  std::size_t len_ = 0;
};

class EchoAnswer final : public Session {
 public:
  EchoAnswer(const EthernetSpec& eth, const IpSpec& ip, std::uint16_t id, std::uint16_t seq,
             std::int64_t sent_ns)
      : eth_(eth), ip_(ip), id_(id), seq_(seq), sent_ns_(sent_ns) {}
  SessionStep step(SessionContext& ctx, std::int64_t) override {
    std::array<std::uint8_t, 56> data{};
    write_ping_payload(data, false, sent_ns_);
    return {ctx.frames.icmp_echo(eth_, ip_, true, id_, seq_, data), kNever};
  }

 private:
  EthernetSpec eth_;
  IpSpec ip_;
  std::uint16_t id_;
  std::uint16_t seq_;
  std::int64_t sent_ns_;
};

class Flood final : public Session {
 public:
  Flood(const AttackSetup& setup, Rng& rng)
      : kind_(setup.kind),
        attacker_(*setup.attacker),
        victim_(*setup.victim),
        end_ns_(setup.start_ns + setup.duration_ns),
        sport_(static_cast<std::uint16_t>(rng.between(1024, 60000))),
        dport_(kind_ == AttackKind::kUdpFlood ? static_cast<std::uint16_t>(rng.between(42000, 43999))
                                              : kWebPort),
        udp_sport_(static_cast<std::uint16_t>(rng.between(50000, 53999))),
        udp_size_(static_cast<std::uint16_t>(rng.between(64, 512))),
        icmp_id_(rng.next_u16()) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    if (now_ns >= end_ns_) return {0, kNever};
    Rng& rng = ctx.rng;
    const EthernetSpec to_victim{.src = attacker_.mac, .dst = victim_.mac, .vlan = attacker_.vlan};
    const EthernetSpec to_attacker{.src = victim_.mac, .dst = attacker_.mac, .vlan = victim_.vlan};
    const std::int64_t answer_at = now_ns + lan_turn(rng);
    const std::uint8_t victim_ttl = victim_.profile().ttl;
    std::size_t size = 0;
    std::int64_t gap = 0;
    switch (kind_) {
      case AttackKind::kSynFlood:
      case AttackKind::kSynFloodSpoofed: {
        const bool spoofed = kind_ == AttackKind::kSynFloodSpoofed;
        const IpAddress src = spoofed ? random_public_ipv4(rng) : attacker_.ipv4;
        const std::uint16_t sport =
            spoofed ? static_cast<std::uint16_t>(rng.between(1024, 65535)) : next_sport();
        const TcpSpec syn{.src_port = sport,
                          .dst_port = dport_,
                          .seq = rng.next_u32(),
                          .ack = 0,
                          .flags = TcpSpec::kSyn,
                          .window = 512};
        const IpSpec ip{
            .src = src, .dst = victim_.ipv4, .ttl = 64, .id = rng.next_u16(), .dont_fragment = false};
        ctx.count_flow();
        size = ctx.frames.tcp(to_victim, ip, syn, {});
        if (half_open_ < kSynBacklog) {
          ++half_open_;
          // Answers to forged sources go to the router, towards wherever they claim to be.
          const EthernetSpec back{.src = victim_.mac,
                                  .dst = spoofed ? ctx.network.gateway_mac() : attacker_.mac,
                                  .vlan = victim_.vlan};
          ctx.spawn(std::make_unique<SynAckAnswer>(back, victim_.ipv4, src, victim_ttl, dport_, sport,
                                                   syn.seq, victim_.profile().syn_window, rng),
                    answer_at);
        }
        gap = rng.between(150 * kUs, 250 * kUs);
        break;
      }
      case AttackKind::kUdpFlood: {
        const IpSpec ip{.src = attacker_.ipv4,
                        .dst = victim_.ipv4,
                        .ttl = 64,
                        .id = rng.next_u16(),
                        .dont_fragment = false};
        if (udp_sent_++ == 0) ctx.count_flow();
        // One socket firing zero-filled datagrams at a closed port.
        const std::array<std::uint8_t, 512> zeros{};
        size = ctx.frames.udp(to_victim, ip, udp_sport_, dport_,
                              std::span<const std::uint8_t>(zeros).first(udp_size_));
        tokens_ = std::min(kIcmpBurst, tokens_ + static_cast<double>(now_ns - last_refill_ns_) / 1e9);
        last_refill_ns_ = now_ns;
        if (tokens_ >= 1.0) {
          tokens_ -= 1.0;
          const IpSpec back{
              .src = victim_.ipv4, .dst = attacker_.ipv4, .ttl = victim_ttl, .id = rng.next_u16()};
          ctx.spawn(std::make_unique<IcmpErrorAnswer>(to_attacker, back, ctx.frames.ip_packet()), answer_at);
        }
        gap = rng.between(200 * kUs, 300 * kUs);
        break;
      }
      default: {  // kIcmpFlood
        std::array<std::uint8_t, 56> data{};
        write_ping_payload(data, false, now_ns);
        const IpSpec ip{
            .src = attacker_.ipv4, .dst = victim_.ipv4, .ttl = attacker_.profile().ttl, .id = rng.next_u16()};
        if (icmp_seq_ == 0) ctx.count_flow();
        size = ctx.frames.icmp_echo(to_victim, ip, false, icmp_id_, icmp_seq_, data);
        const IpSpec back{
            .src = victim_.ipv4, .dst = attacker_.ipv4, .ttl = victim_ttl, .id = rng.next_u16()};
        ctx.spawn(std::make_unique<EchoAnswer>(to_attacker, back, icmp_id_, icmp_seq_, now_ns), answer_at);
        ++icmp_seq_;
        gap = rng.between(200 * kUs, 300 * kUs);
        break;
      }
    }
    return {size, now_ns + gap};
  }

 private:
  // hping3 counts its source port up from a random start; past 65535 it goes on from 1024.
  std::uint16_t next_sport() noexcept {
    if (sport_ < 1024) sport_ = 1024;
    return sport_++;
  }

  AttackKind kind_;
  Host& attacker_;
  Host& victim_;
  std::int64_t end_ns_;
  std::uint16_t sport_;
  std::uint16_t dport_;
  std::uint16_t udp_sport_;
  std::uint16_t udp_size_;
  std::uint16_t icmp_id_;
  std::uint16_t icmp_seq_ = 0;
  int half_open_ = 0;
  std::uint64_t udp_sent_ = 0;
  double tokens_ = kIcmpBurst;
  std::int64_t last_refill_ns_ = 0;
};

}  // namespace

AttackScenario make_flood(const AttackSetup& setup, Rng& rng) {
  AttackScenario s;
  s.session = std::make_unique<Flood>(setup, rng);
  const int rate = setup.kind == AttackKind::kUdpFlood    ? kUdpFloodPerSecond
                   : setup.kind == AttackKind::kIcmpFlood ? kIcmpFloodPerSecond
                                                          : kSynFloodPerSecond;
  s.detail =
      fmt::format("about {} packets/s for {:.1f} s", rate, static_cast<double>(setup.duration_ns) / 1e9);
  s.spoofed_sources = setup.kind == AttackKind::kSynFloodSpoofed;
  if (!s.spoofed_sources) s.attackers = {setup.attacker->ipv4};
  s.victims = {setup.victim->ipv4};
  return s;
}

}  // namespace nta
