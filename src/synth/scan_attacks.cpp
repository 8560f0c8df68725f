#include "synth/scan_attacks.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "synth/app_payloads.h"
#include "synth/attack_tcp.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;
using attack_time::kUs;

constexpr std::uint8_t kUrg = 0x20;
constexpr std::uint16_t kFirstPort = 1;
constexpr std::uint16_t kLastPort = 1024;

// One end of a probe exchange as it crosses the LAN.
struct Station {
  MacAddress mac;  // source MAC of its frames on the LAN
  IpAddress ip;
  std::uint8_t ttl = 64;
};

// What a raw-socket scanner (nmap, masscan) writes: a random TTL, window 1024, an MSS option on
// SYNs only, DF clear, random IP ids.
std::size_t raw_probe(FrameBuilder& frames, const EthernetSpec& eth, const Station& from, const IpAddress& to,
                      std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint8_t flags,
                      Rng& rng) {
  TcpSpec tcp{.src_port = sport, .dst_port = dport, .seq = seq, .ack = 0, .flags = flags, .window = 1024};
  if ((flags & TcpSpec::kSyn) != 0) tcp.options.mss = 1460;
  const IpSpec ip{.src = from.ip,
                  .dst = to,
                  .ttl = static_cast<std::uint8_t>(rng.between(37, 59)),
                  .id = rng.next_u16(),
                  .dont_fragment = false};
  return frames.tcp(eth, ip, tcp, {});
}

// The target's answer to one raw TCP probe, and for a SYN-ACK the scanner's kernel resetting the
// connection it never opened.
class RawProbeAnswer final : public Session {
 public:
  RawProbeAnswer(const EthernetSpec& to_scanner, const EthernetSpec& to_target, const Station& scanner,
                 const Station& target, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
                 std::uint8_t flags, bool open, std::uint16_t syn_window)
      : to_scanner_(to_scanner),
        to_target_(to_target),
        scanner_(scanner),
        target_(target),
        sport_(sport),
        dport_(dport),
        seq_(seq),
        flags_(flags),
        open_(open),
        syn_window_(syn_window) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    const IpSpec from_target{.src = target_.ip, .dst = scanner_.ip, .ttl = target_.ttl, .id = rng.next_u16()};
    if (stage_ == 0) {
      const bool syn = (flags_ & TcpSpec::kSyn) != 0;
      if (syn && open_) {
        TcpSpec tcp{.src_port = dport_,
                    .dst_port = sport_,
                    .seq = rng.next_u32(),
                    .ack = seq_ + 1,
                    .flags = TcpSpec::kSyn | TcpSpec::kAck,
                    .window = syn_window_};
        tcp.options.mss = 1460;  // the probe offered nothing else
        stage_ = 1;
        return {ctx.frames.tcp(to_scanner_, from_target, tcp, {}), now_ns + lan_turn(rng)};
      }
      // RFC 9293 3.10.7.1: no ACK on the probe, so seq 0 and the probe's sequence space acknowledged.
      const std::uint32_t consumed = (flags_ & (TcpSpec::kSyn | TcpSpec::kFin)) != 0 ? 1 : 0;
      const TcpSpec rst{.src_port = dport_,
                        .dst_port = sport_,
                        .seq = 0,
                        .ack = seq_ + consumed,
                        .flags = TcpSpec::kRst | TcpSpec::kAck,
                        .window = 0};
      return {ctx.frames.tcp(to_scanner_, from_target, rst, {}), kNever};
    }
    // The scanner's kernel knows no such connection: RST carrying the SYN-ACK's acknowledgement.
    const TcpSpec rst{.src_port = sport_,
                      .dst_port = dport_,
                      .seq = seq_ + 1,
                      .ack = 0,
                      .flags = TcpSpec::kRst,
                      .window = 0};
    const IpSpec ip{.src = scanner_.ip, .dst = target_.ip, .ttl = scanner_.ttl, .id = 0};
    return {ctx.frames.tcp(to_target_, ip, rst, {}), kNever};
  }

 private:
  EthernetSpec to_scanner_;
  EthernetSpec to_target_;
  Station scanner_;
  Station target_;
  std::uint16_t sport_;
  std::uint16_t dport_;
  std::uint32_t seq_;
  std::uint8_t flags_;
  bool open_;
  std::uint16_t syn_window_;
  int stage_ = 0;
};

// A closed UDP port: ICMP port unreachable quoting the probe.
class UdpProbeAnswer final : public Session {
 public:
  UdpProbeAnswer(const EthernetSpec& to_scanner, const Station& target, const IpAddress& scanner_ip,
                 std::span<const std::uint8_t> probe)
      : to_scanner_(to_scanner), target_(target), scanner_ip_(scanner_ip) {
    probe_len_ = std::min(probe.size(), probe_.size());
    std::memcpy(probe_.data(), probe.data(), probe_len_);
  }

  SessionStep step(SessionContext& ctx, std::int64_t) override {
    const IpSpec ip{.src = target_.ip, .dst = scanner_ip_, .ttl = target_.ttl, .id = ctx.rng.next_u16()};
    return {ctx.frames.icmp_error(to_scanner_, ip, IcmpError::kPortUnreachable,
                                  std::span<const std::uint8_t>(probe_.data(), probe_len_)),
            kNever};
  }

 private:
  EthernetSpec to_scanner_;
  Station target_;
  IpAddress scanner_ip_;
  std::array<std::uint8_t, 128> probe_{};
  std::size_t probe_len_ = 0;
};

// The rest of a connect() probe after the SYN: SYN-ACK, ACK and the scanner's RST/ACK (nmap
// closes each connection with a reset), or the closed port's RST/ACK.
class ConnectProbeAnswer final : public Session {
 public:
  ConnectProbeAnswer(const TcpWire& wire, bool open) : wire_(wire), open_(open) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    switch (stage_++) {
      case 0:
        if (!open_) return {wire_.refuse(ctx.frames, now_ns), kNever};
        return {wire_.send(ctx.frames, TcpSide::kServer, TcpSpec::kSyn | TcpSpec::kAck, {}, now_ns),
                wire_.reaction(TcpSide::kClient, now_ns, rng)};
      case 1:
        return {wire_.send(ctx.frames, TcpSide::kClient, TcpSpec::kAck, {}, now_ns),
                now_ns + rng.between(15 * kUs, 80 * kUs)};
      default:
        return {wire_.send(ctx.frames, TcpSide::kClient, TcpSpec::kRst | TcpSpec::kAck, {}, now_ns), kNever};
    }
  }

 private:
  TcpWire wire_;
  bool open_;
  int stage_ = 0;
};

// ---- vertical scans ----------------------------------------------------------------------------

class VerticalScan final : public Session {
 public:
  VerticalScan(const AttackSetup& setup, Rng& rng)
      : kind_(setup.kind),
        attacker_(*setup.attacker),
        victim_(*setup.victim),
        ports_(attacker_, rng),
        sport_(static_cast<std::uint16_t>(rng.between(33000, 65000))),
        udp_id_(rng.next_u16()),
        seq_base_(rng.next()) {
    for (std::uint16_t p = kFirstPort; p <= kLastPort; ++p) order_.push_back(p);
    // Scanners probe in a random order so that no port sees a burst of its neighbours.
    for (std::size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[rng.below(i + 1)]);
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    if (next_ == order_.size()) {
      // One more pass over the ports that stayed silent, as scanners retransmit before calling a
      // port open|filtered.
      if (retry_.empty() || retried_) return {0, kNever};
      order_ = std::move(retry_);
      retry_.clear();
      next_ = 0;
      retried_ = true;
    }
    const std::uint16_t port = order_[next_++];
    const std::size_t size = probe(ctx, now_ns, port);
    std::int64_t gap = 0;
    switch (kind_) {
      case AttackKind::kPortScanConnect:
        gap = rng.between(600 * kUs, 1400 * kUs);
        break;
      case AttackKind::kPortScanUdp:
        gap = rng.between(900 * kUs, 2000 * kUs);
        break;
      default:
        gap = rng.between(300 * kUs, 700 * kUs);
        break;
    }
    // Before the retry pass the scanner waits out its probe timeout.
    if (next_ == order_.size() && !retried_ && !retry_.empty()) gap += rng.between(300 * kMs, 600 * kMs);
    return {size, now_ns + gap};
  }

 private:
  std::size_t probe(SessionContext& ctx, std::int64_t now_ns, std::uint16_t port) {
    Rng& rng = ctx.rng;
    const EthernetSpec to_victim{.src = attacker_.mac, .dst = victim_.mac, .vlan = attacker_.vlan};
    const EthernetSpec to_scanner{.src = victim_.mac, .dst = attacker_.mac, .vlan = victim_.vlan};
    const Station scanner{attacker_.mac, attacker_.ipv4, attacker_.profile().ttl};
    const Station target{victim_.mac, victim_.ipv4, victim_.profile().ttl};
    const bool udp = kind_ == AttackKind::kPortScanUdp;
    const bool open = scan_victim_listens(victim_.os, udp, port);
    const std::int64_t answer_at = now_ns + lan_turn(rng);

    if (kind_ == AttackKind::kPortScanConnect) {
      ctx.count_flow();
      TcpWire wire(lan_end(attacker_, ports_.next()), lan_end(victim_, port), attacker_.vlan, rng);
      const std::size_t size = wire.send(ctx.frames, TcpSide::kClient, TcpSpec::kSyn, {}, now_ns);
      ctx.spawn(std::make_unique<ConnectProbeAnswer>(wire, open), answer_at);
      return size;
    }
    if (udp) {
      if (!retried_) ctx.count_flow();
      std::array<std::uint8_t, 64> payload{};
      std::size_t len = 0;
      // Well-known UDP services get a request they would answer; the rest an empty datagram.
      if (port == 123) {
        write_ntp_request(std::span<std::uint8_t, kNtpSize>(payload.data(), kNtpSize), now_ns);
        len = kNtpSize;
      } else if (port == 137) {
        write_nbns_node_status(
            std::span<std::uint8_t, kNbnsNodeStatusSize>(payload.data(), kNbnsNodeStatusSize), udp_id_++);
        len = kNbnsNodeStatusSize;
      }
      const IpSpec ip{.src = attacker_.ipv4,
                      .dst = victim_.ipv4,
                      .ttl = static_cast<std::uint8_t>(rng.between(37, 59)),
                      .id = rng.next_u16(),
                      .dont_fragment = false};
      const std::size_t size =
          ctx.frames.udp(to_victim, ip, sport_, port, std::span<const std::uint8_t>(payload.data(), len));
      if (open) {
        if (!retried_) retry_.push_back(port);
      } else {
        ctx.spawn(
            std::make_unique<UdpProbeAnswer>(to_scanner, target, attacker_.ipv4, ctx.frames.ip_packet()),
            answer_at);
      }
      return size;
    }
    std::uint8_t flags = TcpSpec::kSyn;
    if (kind_ == AttackKind::kPortScanFin) flags = TcpSpec::kFin;
    if (kind_ == AttackKind::kPortScanXmas) flags = TcpSpec::kFin | TcpSpec::kPsh | kUrg;
    if (kind_ == AttackKind::kPortScanNull) flags = 0;
    if (!retried_) ctx.count_flow();
    // A port's retry repeats its first probe.
    std::uint64_t mix = seq_base_ + port;
    const auto seq = static_cast<std::uint32_t>(splitmix64(mix));
    const std::size_t size =
        raw_probe(ctx.frames, to_victim, scanner, victim_.ipv4, sport_, port, seq, flags, rng);
    const bool stealth = flags != TcpSpec::kSyn;
    if (stealth && open) {
      // RFC 9293: a segment without SYN, RST or ACK to a listening port is dropped in silence.
      if (!retried_) retry_.push_back(port);
    } else {
      ctx.spawn(std::make_unique<RawProbeAnswer>(to_scanner, to_victim, scanner, target, sport_, port, seq,
                                                 flags, open, victim_.profile().syn_window),
                answer_at);
    }
    return size;
  }

  AttackKind kind_;
  Host& attacker_;
  Host& victim_;
  PortCounter ports_;
  std::uint16_t sport_;
  std::uint16_t udp_id_;
  std::uint64_t seq_base_;
  std::vector<std::uint16_t> order_;
  std::vector<std::uint16_t> retry_;
  std::size_t next_ = 0;
  bool retried_ = false;
};

// ---- the server subnet -------------------------------------------------------------------------

constexpr std::uint8_t kSubnet[3] = {10, 20, 0};

Station subnet_station(const Network& network, std::uint64_t site_seed, std::uint8_t octet) {
  const SubnetHost h = server_subnet_host(site_seed, octet);
  // .1 is the gateway's own interface; the others are one routed hop away.
  const std::uint8_t ttl = octet == 1 ? 64 : static_cast<std::uint8_t>(stack_profile(h.os).ttl - 1);
  return Station{network.gateway_mac(), server_subnet_address(octet), ttl};
}

bool subnet_port_open(std::uint64_t site_seed, std::uint8_t octet, std::uint16_t port) {
  if (octet == 1) return false;
  const SubnetHost h = server_subnet_host(site_seed, octet);
  std::uint64_t s = site_seed ^ (std::uint64_t{octet} << 32) ^ port ^ 0x706f7274ULL;
  const double u = static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53;
  const bool windows = h.os == HostOs::kWindows;
  switch (port) {
    case 445:
      return windows || u < 0.3;
    case 3389:
      return windows && u < 0.6;
    case 22:
      return !windows || u < 0.05;
    case 80:
      return u < 0.35;
    default:
      return u < 0.08;
  }
}

class HorizontalScan final : public Session {
 public:
  HorizontalScan(const AttackSetup& setup, Rng& rng, std::uint16_t port)
      : attacker_(*setup.attacker),
        site_seed_(setup.site_seed),
        port_(port),
        sport_(static_cast<std::uint16_t>(rng.between(33000, 65000))) {
    for (int i = 1; i <= 254; ++i) order_.push_back(static_cast<std::uint8_t>(i));
    for (std::size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[rng.below(i + 1)]);
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    if (next_ == order_.size()) return {0, kNever};
    const std::uint8_t octet = order_[next_++];
    const Network& net = ctx.network;
    const EthernetSpec to_gateway{.src = attacker_.mac, .dst = net.gateway_mac(), .vlan = attacker_.vlan};
    const EthernetSpec to_scanner{.src = net.gateway_mac(), .dst = attacker_.mac, .vlan = attacker_.vlan};
    const Station scanner{attacker_.mac, attacker_.ipv4, attacker_.profile().ttl};
    const Station target = subnet_station(net, site_seed_, octet);
    ctx.count_flow();
    const std::uint32_t seq = rng.next_u32();
    const std::size_t size =
        raw_probe(ctx.frames, to_gateway, scanner, target.ip, sport_, port_, seq, TcpSpec::kSyn, rng);
    const SubnetHost host = server_subnet_host(site_seed_, octet);
    if (host.live) {
      const bool open = subnet_port_open(site_seed_, octet, port_);
      const std::int64_t at = now_ns + rng.between(300 * kUs, 1200 * kUs);
      ctx.spawn(std::make_unique<RawProbeAnswer>(to_scanner, to_gateway, scanner, target, sport_, port_, seq,
                                                 TcpSpec::kSyn, open, stack_profile(host.os).syn_window),
                at);
    }
    return {size, now_ns + rng.between(4 * kMs, 8 * kMs)};
  }

 private:
  Host& attacker_;
  std::uint64_t site_seed_;
  std::uint16_t port_;
  std::uint16_t sport_;
  std::vector<std::uint8_t> order_;
  std::size_t next_ = 0;
};

// ---- ping sweep --------------------------------------------------------------------------------

constexpr std::size_t kSweepPayload = 56;

class EchoReply final : public Session {
 public:
  EchoReply(const EthernetSpec& eth, const Station& from, const IpAddress& to, std::uint16_t id,
            std::uint16_t seq)
      : eth_(eth), from_(from), to_(to), id_(id), seq_(seq) {}

  SessionStep step(SessionContext& ctx, std::int64_t) override {
    const std::array<std::uint8_t, kSweepPayload> zeros{};
    const IpSpec ip{
        .src = from_.ip, .dst = to_, .ttl = from_.ttl, .id = ctx.rng.next_u16(), .dont_fragment = false};
    return {ctx.frames.icmp_echo(eth_, ip, true, id_, seq_, zeros), kNever};
  }

 private:
  EthernetSpec eth_;
  Station from_;
  IpAddress to_;
  std::uint16_t id_;
  std::uint16_t seq_;
};

// fping-style: the addresses in order, 10 ms apart, 56 zero bytes of data; one retry round for
// the silent ones.
class PingSweep final : public Session {
 public:
  PingSweep(const AttackSetup& setup, Rng& rng)
      : attacker_(*setup.attacker), site_seed_(setup.site_seed), id_(rng.next_u16()) {
    for (int i = 1; i <= 254; ++i) order_.push_back(static_cast<std::uint8_t>(i));
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    if (next_ == order_.size()) {
      if (retried_ || retry_.empty()) return {0, kNever};
      order_ = std::move(retry_);
      retry_.clear();
      next_ = 0;
      retried_ = true;
    }
    const std::uint8_t octet = order_[next_++];
    const Network& net = ctx.network;
    const EthernetSpec to_gateway{.src = attacker_.mac, .dst = net.gateway_mac(), .vlan = attacker_.vlan};
    const EthernetSpec to_pinger{.src = net.gateway_mac(), .dst = attacker_.mac, .vlan = attacker_.vlan};
    const Station target = subnet_station(net, site_seed_, octet);
    const std::array<std::uint8_t, kSweepPayload> zeros{};
    const IpSpec ip{.src = attacker_.ipv4,
                    .dst = target.ip,
                    .ttl = attacker_.profile().ttl,
                    .id = rng.next_u16(),
                    .dont_fragment = false};
    if (!retried_) ctx.count_flow();
    const std::size_t size = ctx.frames.icmp_echo(to_gateway, ip, false, id_, seq_, zeros);
    if (server_subnet_host(site_seed_, octet).live) {
      ctx.spawn(std::make_unique<EchoReply>(to_pinger, target, attacker_.ipv4, id_, seq_),
                now_ns + rng.between(300 * kUs, 1500 * kUs));
    } else if (!retried_) {
      retry_.push_back(octet);
    }
    ++seq_;
    std::int64_t gap = rng.between(9'800 * kUs, 10'400 * kUs);
    if (next_ == order_.size() && !retried_) gap += 500 * kMs;  // fping's first timeout
    return {size, now_ns + gap};
  }

 private:
  Host& attacker_;
  std::uint64_t site_seed_;
  std::uint16_t id_;
  std::uint16_t seq_ = 0;
  std::vector<std::uint8_t> order_;
  std::vector<std::uint8_t> retry_;
  std::size_t next_ = 0;
  bool retried_ = false;
};

std::vector<IpAddress> whole_subnet() {
  std::vector<IpAddress> all;
  for (int i = 1; i <= 254; ++i) all.push_back(server_subnet_address(static_cast<std::uint8_t>(i)));
  return all;
}

}  // namespace

SubnetHost server_subnet_host(std::uint64_t site_seed, std::uint8_t last_octet) noexcept {
  if (last_octet == 1) return SubnetHost{true, HostOs::kLinux};
  std::uint64_t s = site_seed ^ (std::uint64_t{last_octet} * 0x9e3779b97f4a7c15ULL) ^ 0x7375626e6574ULL;
  const std::uint64_t r = splitmix64(s);
  const double u = static_cast<double>(r >> 11) * 0x1.0p-53;
  return SubnetHost{u < 0.3, (r & 1) != 0 ? HostOs::kWindows : HostOs::kLinux};
}

IpAddress server_subnet_address(std::uint8_t last_octet) noexcept {
  return ipv4(kSubnet[0], kSubnet[1], kSubnet[2], last_octet);
}

bool scan_victim_listens(HostOs os, bool udp, std::uint16_t port) noexcept {
  static constexpr std::uint16_t kWindowsTcp[] = {135, 139, 445};
  static constexpr std::uint16_t kLinuxTcp[] = {22, 80, 111};
  static constexpr std::uint16_t kMacTcp[] = {22, 88, 445};
  static constexpr std::uint16_t kWindowsUdp[] = {123, 137, 138, 500};
  static constexpr std::uint16_t kLinuxUdp[] = {68, 111, 123};
  static constexpr std::uint16_t kMacUdp[] = {123, 137, 138};
  const auto has = [port](std::span<const std::uint16_t> ports) {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
  };
  switch (os) {
    case HostOs::kWindows:
      return udp ? has(kWindowsUdp) : has(kWindowsTcp);
    case HostOs::kLinux:
      return udp ? has(kLinuxUdp) : has(kLinuxTcp);
    case HostOs::kMacos:
      return udp ? has(kMacUdp) : has(kMacTcp);
  }
  return false;
}

AttackScenario make_port_scan(const AttackSetup& setup, Rng& rng) {
  AttackScenario s;
  s.session = std::make_unique<VerticalScan>(setup, rng);
  s.detail = setup.kind == AttackKind::kPortScanUdp ? "UDP ports 1-1024" : "TCP ports 1-1024";
  s.attackers = {setup.attacker->ipv4};
  s.victims = {setup.victim->ipv4};
  return s;
}

AttackScenario make_horizontal_scan(const AttackSetup& setup, Rng& rng) {
  // What worms and scripts look for: file sharing, ssh, remote desktop, telnet, web.
  static constexpr std::uint16_t kPorts[] = {445, 22, 3389, 23, 80};
  const std::uint16_t port = kPorts[rng.below(std::size(kPorts))];
  AttackScenario s;
  s.session = std::make_unique<HorizontalScan>(setup, rng, port);
  s.detail = fmt::format("TCP port {} of 10.20.0.1-254", port);
  s.attackers = {setup.attacker->ipv4};
  s.victims = whole_subnet();
  return s;
}

AttackScenario make_ping_sweep(const AttackSetup& setup, Rng& rng) {
  AttackScenario s;
  s.session = std::make_unique<PingSweep>(setup, rng);
  s.detail = "ICMP echo to 10.20.0.1-254";
  s.attackers = {setup.attacker->ipv4};
  s.victims = whole_subnet();
  return s;
}

}  // namespace nta
