// Each attack kind on its own: what its packets are, and that the victims answer as real stacks do.
// Frames are decoded with nta's own decoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "attack_test_util.h"
#include "synth/beaconing_attack.h"
#include "synth/dns_tunnel_attack.h"
#include "synth/exfiltration_attack.h"
#include "synth/flood_attacks.h"
#include "synth/scan_attacks.h"

namespace nta {
namespace {

using test::AttackRun;
using test::Frame;
using test::is_icmp;
using test::is_tcp;
using test::is_udp;

constexpr std::uint8_t kFin = tcpflag::kFin;
constexpr std::uint8_t kSyn = tcpflag::kSyn;
constexpr std::uint8_t kRst = tcpflag::kRst;
constexpr std::uint8_t kPsh = tcpflag::kPsh;
constexpr std::uint8_t kAck = tcpflag::kAck;
constexpr std::uint8_t kUrg = tcpflag::kUrg;

constexpr std::uint64_t kSeed = 11;
constexpr double kSeconds = 20;

AttackRun single(const char* kind, double seconds = kSeconds, std::uint64_t seed = kSeed) {
  return test::generate(test::config_for(seconds, 10, seed), kind);
}

// The attack's frames only: the ones the benign run of the same seed lacks.
std::vector<Frame> attack_frames(const AttackRun& run, double seconds = kSeconds,
                                 std::uint64_t seed = kSeed) {
  const AttackRun plain = test::generate(test::config_for(seconds, 10, seed), "");
  return test::added_frames(run.frames, plain.frames);
}

const Host& host_at(const AttackRun& run, const IpAddress& address) {
  for (const Host& h : run.generator->network().hosts()) {
    if (h.ipv4 == address) return h;
  }
  throw std::runtime_error("no such host");
}

std::string payload_text(const PacketView& v) {
  return std::string(v.l4_payload.begin(), v.l4_payload.end());
}

// ---- vertical scans ----------------------------------------------------------------------------

struct RawScanResult {
  std::map<std::uint16_t, std::uint32_t> probe_seq;  // port -> the probe's sequence number
  std::map<std::uint16_t, int> probes;               // port -> probes sent
  std::map<std::uint16_t, int> synacks;
  std::map<std::uint16_t, int> resets;  // RST/ACK from the victim, checked against the probe
  std::map<std::uint16_t, int> scanner_resets;
  std::int64_t first_ns = 0;
  std::int64_t last_probe_ns = 0;
};

RawScanResult raw_scan(const std::vector<Frame>& frames, const IpAddress& attacker, const IpAddress& victim,
                       std::uint8_t probe_flags) {
  RawScanResult r;
  for (const Frame& f : frames) {
    const PacketView v = f.view();
    if (!is_tcp(v)) continue;
    if (v.src_ip == attacker && v.dst_ip == victim && v.tcp.flags == probe_flags) {
      EXPECT_EQ(v.tcp.window, 1024);
      EXPECT_EQ(v.tcp.has_mss, probe_flags == kSyn);
      EXPECT_FALSE(v.dont_fragment);
      if (r.probes.empty()) r.first_ns = f.ts.ns;
      r.last_probe_ns = f.ts.ns;
      const auto [it, fresh] = r.probe_seq.emplace(v.dst_port, v.tcp.seq);
      if (!fresh) {
        EXPECT_EQ(it->second, v.tcp.seq) << "a retry repeats the probe";
      }
      ++r.probes[v.dst_port];
    } else if (v.src_ip == victim && v.dst_ip == attacker) {
      const std::uint32_t seq = r.probe_seq.at(v.src_port);
      if (v.tcp.flags == (kSyn | kAck)) {
        EXPECT_EQ(v.tcp.ack, seq + 1);
        ++r.synacks[v.src_port];
      } else {
        EXPECT_EQ(v.tcp.flags, kRst | kAck);
        EXPECT_EQ(v.tcp.seq, 0u);
        const std::uint32_t consumed = (probe_flags & (kSyn | kFin)) != 0 ? 1 : 0;
        EXPECT_EQ(v.tcp.ack, seq + consumed);
        ++r.resets[v.src_port];
      }
    } else if (v.src_ip == attacker && v.tcp.flags == kRst) {
      EXPECT_EQ(v.tcp.seq, r.probe_seq.at(v.dst_port) + 1);
      ++r.scanner_resets[v.dst_port];
    }
  }
  return r;
}

TEST(PortScanAttack, SynScanGetsSynAckFromOpenPortsAndRstFromClosedOnes) {
  const AttackRun run = single("port_scan_syn");
  const PlannedAttack& a = run.attacks.at(0);
  const Host& victim = host_at(run, a.victims.at(0));
  const RawScanResult r = raw_scan(attack_frames(run), a.attackers.at(0), victim.ipv4, kSyn);
  EXPECT_EQ(r.probes.size(), 1024u);
  int open = 0;
  for (const auto& [port, n] : r.probes) {
    const bool listens = scan_victim_listens(victim.os, false, port);
    open += listens ? 1 : 0;
    EXPECT_EQ(r.synacks.count(port), listens ? 1u : 0u) << port;
    EXPECT_EQ(r.resets.count(port), listens ? 0u : 1u) << port;
    // The scanner's kernel resets what it never opened: the half-open scan.
    EXPECT_EQ(r.scanner_resets.count(port), listens ? 1u : 0u) << port;
  }
  EXPECT_GE(open, 3);
  // Scanner speed: over a thousand probes a second.
  EXPECT_LT(r.last_probe_ns - r.first_ns, 1'000'000'000LL);
}

TEST(PortScanAttack, StealthScansGetRstFromClosedPortsAndSilenceFromOpenOnes) {
  const std::pair<const char*, std::uint8_t> scans[] = {
      {"port_scan_fin", kFin}, {"port_scan_xmas", kFin | kPsh | kUrg}, {"port_scan_null", 0}};
  for (const auto& [kind, flags] : scans) {
    SCOPED_TRACE(kind);
    const AttackRun run = single(kind);
    const PlannedAttack& a = run.attacks.at(0);
    const Host& victim = host_at(run, a.victims.at(0));
    EXPECT_NE(victim.os, HostOs::kWindows);
    const RawScanResult r = raw_scan(attack_frames(run), a.attackers.at(0), victim.ipv4, flags);
    EXPECT_EQ(r.probes.size(), 1024u);
    EXPECT_TRUE(r.synacks.empty());
    int silent = 0;
    for (const auto& [port, n] : r.probes) {
      const bool listens = scan_victim_listens(victim.os, false, port);
      EXPECT_EQ(r.resets.count(port), listens ? 0u : 1u) << port;
      // Silent ports are probed once more before the scanner calls them open|filtered.
      EXPECT_EQ(n, listens ? 2 : 1) << port;
      silent += listens ? 1 : 0;
    }
    EXPECT_GE(silent, 3);
  }
}

TEST(PortScanAttack, ConnectScanCompletesOpenPortsAndResetsThem) {
  const AttackRun run = single("port_scan_connect");
  const PlannedAttack& a = run.attacks.at(0);
  const IpAddress attacker = a.attackers.at(0);
  const Host& victim = host_at(run, a.victims.at(0));
  std::map<std::uint16_t, std::uint16_t> port_of;  // scanner's source port -> probed port
  std::map<std::uint16_t, std::string> story;      // probed port -> flags in order
  for (const Frame& f : attack_frames(run)) {
    const PacketView v = f.view();
    if (!is_tcp(v)) continue;
    const bool out = v.src_ip == attacker && v.dst_ip == victim.ipv4;
    const bool back = v.src_ip == victim.ipv4 && v.dst_ip == attacker;
    if (!out && !back) continue;
    if (out && v.tcp.flags == kSyn) {
      // The operating system's own SYN: its options, a new source port each time.
      EXPECT_TRUE(v.tcp.has_mss && v.tcp.sack_permitted);
      EXPECT_TRUE(port_of.emplace(v.src_port, v.dst_port).second);
    }
    const std::uint16_t probed = out ? v.dst_port : v.src_port;
    const std::uint8_t fl = v.tcp.flags;
    story[probed] += out ? "c" : "v";
    story[probed] += fl == kSyn            ? "S"
                     : fl == (kSyn | kAck) ? "SA"
                     : fl == kAck          ? "A"
                     : fl == (kRst | kAck) ? "RA"
                                           : "?";
    story[probed] += ' ';
  }
  EXPECT_EQ(story.size(), 1024u);
  for (const auto& [port, s] : story) {
    const bool listens = scan_victim_listens(victim.os, false, port);
    EXPECT_EQ(s, listens ? "cS vSA cA cRA " : "cS vRA ") << port;
  }
}

TEST(PortScanAttack, UdpScanGetsPortUnreachableQuotingTheProbe) {
  const AttackRun run = single("port_scan_udp");
  const PlannedAttack& a = run.attacks.at(0);
  const IpAddress attacker = a.attackers.at(0);
  const Host& victim = host_at(run, a.victims.at(0));
  std::map<std::uint16_t, std::vector<std::uint8_t>> probe;  // port -> the probe's IP packet
  std::map<std::uint16_t, int> probes;
  std::map<std::uint16_t, int> unreachable;
  for (const Frame& f : attack_frames(run)) {
    const PacketView v = f.view();
    if (is_udp(v) && v.src_ip == attacker && v.dst_ip == victim.ipv4) {
      probe[v.dst_port].assign(f.bytes.begin() + 14, f.bytes.begin() + 14 + v.ip_len);
      ++probes[v.dst_port];
    } else if (is_icmp(v) && v.src_ip == victim.ipv4 && v.dst_ip == attacker) {
      EXPECT_EQ(v.icmp.type, 3);
      EXPECT_EQ(v.icmp.code, 3);
      // The quoted packet: the probe's IP header, its UDP header and (what fits of) its data.
      const std::vector<std::uint8_t> quoted(v.l4_payload.begin(), v.l4_payload.end());
      ASSERT_GE(quoted.size(), 28u);
      const auto port = static_cast<std::uint16_t>(quoted[22] << 8 | quoted[23]);
      EXPECT_EQ(quoted, probe.at(port)) << port;
      ++unreachable[port];
    }
  }
  EXPECT_EQ(probes.size(), 1024u);
  for (const auto& [port, n] : probes) {
    const bool listens = scan_victim_listens(victim.os, true, port);
    EXPECT_EQ(unreachable.count(port), listens ? 0u : 1u) << port;
    EXPECT_EQ(n, listens ? 2 : 1) << port;
  }
}

// ---- horizontal scan and ping sweep ------------------------------------------------------------

TEST(HorizontalScanAttack, OnePortAcrossTheSubnetAnsweredByTheLiveHosts) {
  const AttackRun run = single("horizontal_scan");
  const IpAddress attacker = run.attacks.at(0).attackers.at(0);
  std::set<IpAddress> probed;
  std::set<std::uint16_t> ports;
  std::set<IpAddress> answered;
  int synacks = 0;
  for (const Frame& f : attack_frames(run)) {
    const PacketView v = f.view();
    if (!is_tcp(v)) continue;
    if (v.src_ip == attacker && v.tcp.flags == kSyn) {
      probed.insert(v.dst_ip);
      ports.insert(v.dst_port);
    } else if (v.dst_ip == attacker) {
      EXPECT_TRUE(v.tcp.flags == (kSyn | kAck) || v.tcp.flags == (kRst | kAck));
      synacks += v.tcp.flags == (kSyn | kAck) ? 1 : 0;
      EXPECT_TRUE(answered.insert(v.src_ip).second);
    }
  }
  EXPECT_EQ(probed.size(), 254u);
  EXPECT_EQ(ports.size(), 1u);
  std::set<IpAddress> live;
  for (int i = 1; i <= 254; ++i) {
    if (server_subnet_host(kSeed, static_cast<std::uint8_t>(i)).live)
      live.insert(server_subnet_address(static_cast<std::uint8_t>(i)));
  }
  EXPECT_EQ(answered, live);
  EXPECT_GT(live.size(), 30u);
  EXPECT_GT(synacks, 0);
}

TEST(PingSweepAttack, EchoRequestsToTheSubnetAndRepliesFromHostsThatExist) {
  const AttackRun run = single("ping_sweep");
  const IpAddress attacker = run.attacks.at(0).attackers.at(0);
  std::map<std::uint16_t, IpAddress> request_to;  // seq -> address
  std::set<IpAddress> requested;
  std::set<IpAddress> replied;
  for (const Frame& f : attack_frames(run)) {
    const PacketView v = f.view();
    ASSERT_TRUE(is_icmp(v));
    if (v.icmp.type == 8) {
      EXPECT_EQ(v.src_ip, attacker);
      request_to[v.icmp.seq] = v.dst_ip;
      requested.insert(v.dst_ip);
    } else {
      EXPECT_EQ(v.icmp.type, 0);
      EXPECT_EQ(v.dst_ip, attacker);
      EXPECT_EQ(request_to.at(v.icmp.seq), v.src_ip);
      replied.insert(v.src_ip);
    }
  }
  EXPECT_EQ(requested.size(), 254u);
  std::set<IpAddress> live;
  for (int i = 1; i <= 254; ++i) {
    if (server_subnet_host(kSeed, static_cast<std::uint8_t>(i)).live)
      live.insert(server_subnet_address(static_cast<std::uint8_t>(i)));
  }
  EXPECT_EQ(replied, live);
}

// ---- floods ------------------------------------------------------------------------------------

// The most packets matching `pick` in any one-second window.
template <typename Pick>
int peak_per_second(const std::vector<Frame>& frames, Pick pick) {
  std::vector<std::int64_t> times;
  for (const Frame& f : frames) {
    if (pick(f.view())) times.push_back(f.ts.ns);
  }
  int best = 0;
  std::size_t lo = 0;
  for (std::size_t hi = 0; hi < times.size(); ++hi) {
    while (times[hi] - times[lo] >= 1'000'000'000LL) ++lo;
    best = std::max(best, static_cast<int>(hi - lo + 1));
  }
  return best;
}

TEST(FloodAttack, SynFloodFillsTheBacklogThenTheVictimFallsSilent) {
  for (const char* kind : {"syn_flood", "syn_flood_spoofed"}) {
    SCOPED_TRACE(kind);
    const AttackRun run = single(kind);
    const PlannedAttack& a = run.attacks.at(0);
    const Host& victim = host_at(run, a.victims.at(0));
    const bool spoofed = std::string(kind) == "syn_flood_spoofed";
    EXPECT_EQ(a.spoofed_sources, spoofed);
    const auto frames = attack_frames(run);
    std::set<IpAddress> sources;
    std::map<std::pair<IpAddress, std::uint16_t>, int> syn_order;  // (source, port) -> index of its SYN
    std::map<std::pair<IpAddress, std::uint16_t>, int> synacks;
    int syns = 0;
    for (const Frame& f : frames) {
      const PacketView v = f.view();
      ASSERT_TRUE(is_tcp(v));
      if (v.dst_ip == victim.ipv4) {
        EXPECT_EQ(v.tcp.flags, kSyn);
        EXPECT_EQ(v.dst_port, 80);
        sources.insert(v.src_ip);
        syn_order.emplace(std::pair{v.src_ip, v.src_port}, syns++);
      } else {
        EXPECT_EQ(v.src_ip, victim.ipv4);
        EXPECT_EQ(v.tcp.flags, kSyn | kAck);
        // Answers to forged sources go to the router.
        const auto& gw = run.generator->network().gateway_mac().bytes;
        EXPECT_EQ(v.dst_mac == gw, spoofed);
        ++synacks[{v.dst_ip, v.dst_port}];
      }
    }
    // 2 s at about 5000 a second (a 20-second run floods for 10 % of it).
    EXPECT_GT(syns, 8000);
    EXPECT_GT(peak_per_second(frames, [&](const PacketView& v) { return v.dst_ip == victim.ipv4; }), 4000);
    EXPECT_EQ(synacks.size(), static_cast<std::size_t>(kSynBacklog));
    for (const auto& [key, n] : synacks) {
      EXPECT_LT(syn_order.at(key), kSynBacklog);  // only the first SYNs found room
      EXPECT_EQ(n, 3);                            // and their SYN-ACKs went out 3 times
    }
    if (spoofed) {
      EXPECT_GT(sources.size(), 8000u);
      for (const IpAddress& s : sources) {
        EXPECT_FALSE(s.bytes[0] == 10 || s.bytes[0] == 127 || (s.bytes[0] == 192 && s.bytes[1] == 168) ||
                     s.bytes[0] >= 224);
      }
    } else {
      EXPECT_EQ(sources.size(), 1u);
      EXPECT_EQ(*sources.begin(), a.attackers.at(0));
    }
  }
}

TEST(FloodAttack, UdpFloodGetsRateLimitedPortUnreachables) {
  const AttackRun run = single("udp_flood");
  const PlannedAttack& a = run.attacks.at(0);
  const auto frames = attack_frames(run);
  int datagrams = 0;
  int unreachable = 0;
  for (const Frame& f : frames) {
    const PacketView v = f.view();
    if (is_udp(v)) {
      EXPECT_EQ(v.src_ip, a.attackers.at(0));
      EXPECT_EQ(v.dst_ip, a.victims.at(0));
      ++datagrams;
    } else {
      ASSERT_TRUE(is_icmp(v));
      EXPECT_EQ(v.icmp.type, 3);
      EXPECT_EQ(v.icmp.code, 3);
      ++unreachable;
    }
  }
  EXPECT_GT(datagrams, 6400);
  EXPECT_GT(peak_per_second(frames, [](const PacketView& v) { return is_udp(v); }), 3200);
  // A burst of 6, then one a second over the 2-second flood.
  EXPECT_GE(unreachable, 6);
  EXPECT_LE(unreachable, 9);
}

TEST(FloodAttack, IcmpFloodGetsAnEchoReplyForEveryRequest) {
  const AttackRun run = single("icmp_flood");
  const PlannedAttack& a = run.attacks.at(0);
  const auto frames = attack_frames(run);
  std::map<std::uint16_t, std::string> requests;
  int replies = 0;
  for (const Frame& f : frames) {
    const PacketView v = f.view();
    ASSERT_TRUE(is_icmp(v));
    if (v.icmp.type == 8) {
      EXPECT_EQ(v.src_ip, a.attackers.at(0));
      requests[v.icmp.seq] = payload_text(v);
    } else {
      EXPECT_EQ(v.icmp.type, 0);
      EXPECT_EQ(v.src_ip, a.victims.at(0));
      EXPECT_EQ(requests.at(v.icmp.seq), payload_text(v));
      ++replies;
    }
  }
  EXPECT_GT(requests.size(), 6400u);
  EXPECT_EQ(static_cast<std::size_t>(replies), requests.size());
}

// ---- brute force -------------------------------------------------------------------------------

// Each connection's payload per direction, in order, keyed by the client's port.
struct Conversation {
  std::string client;
  std::string server;
  bool closed = false;
  std::int64_t first_ns = 0;
  std::int64_t last_ns = 0;
};

std::map<std::uint16_t, Conversation> conversations(const std::vector<Frame>& frames, const IpAddress& server,
                                                    std::uint16_t port) {
  std::map<std::uint16_t, Conversation> out;
  for (const Frame& f : frames) {
    const PacketView v = f.view();
    if (!is_tcp(v)) continue;
    const bool to_server = v.dst_ip == server && v.dst_port == port;
    const bool from_server = v.src_ip == server && v.src_port == port;
    if (!to_server && !from_server) continue;
    Conversation& c = out[to_server ? v.src_port : v.dst_port];
    if (c.first_ns == 0) c.first_ns = f.ts.ns;
    c.last_ns = f.ts.ns;
    (to_server ? c.client : c.server) += payload_text(v);
    if ((v.tcp.flags & kFin) != 0) c.closed = true;
  }
  return out;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(BruteForceAttack, SshGuessesAreManyShortSessionsWithBannersAndKeyExchange) {
  const AttackRun run = single("brute_force_ssh");
  const PlannedAttack& a = run.attacks.at(0);
  const IpAddress attacker = a.attackers.at(0);
  EXPECT_EQ(attacker.bytes[0], 203);  // from outside
  const auto convs = conversations(attack_frames(run), a.victims.at(0), 22);
  EXPECT_GE(convs.size(), 12u);
  for (const auto& [port, c] : convs) {
    EXPECT_EQ(c.client.rfind("SSH-2.0-", 0), 0u);
    EXPECT_EQ(c.server.rfind("SSH-2.0-OpenSSH", 0), 0u);
    EXPECT_GT(c.client.size(), 1000u);  // KEXINIT and more
    EXPECT_TRUE(c.closed);
    EXPECT_LT(c.last_ns - c.first_ns, 5'000'000'000LL);
  }
}

TEST(BruteForceAttack, FtpGuessesAreUserPassAnd530) {
  const AttackRun run = single("brute_force_ftp");
  const PlannedAttack& a = run.attacks.at(0);
  const auto convs = conversations(attack_frames(run), a.victims.at(0), 21);
  EXPECT_GE(convs.size(), 12u);
  std::size_t failures = 0;
  for (const auto& [port, c] : convs) {
    EXPECT_EQ(c.server.rfind("220 ", 0), 0u);
    const std::size_t tries = count(c.client, "PASS ");
    EXPECT_GE(tries, 1u);
    EXPECT_EQ(count(c.client, "USER "), tries);
    EXPECT_EQ(count(c.server, "331 "), tries);
    EXPECT_EQ(count(c.server, "530 Login incorrect.\r\n"), tries);
    EXPECT_TRUE(c.closed);
    failures += tries;
  }
  EXPECT_GE(failures, 20u);
}

TEST(BruteForceAttack, RdpGuessesOpenWithX224AndCredSsp) {
  const AttackRun run = single("brute_force_rdp");
  const PlannedAttack& a = run.attacks.at(0);
  EXPECT_EQ(host_at(run, a.victims.at(0)).os, HostOs::kWindows);
  const auto convs = conversations(attack_frames(run), a.victims.at(0), 3389);
  EXPECT_GE(convs.size(), 12u);
  for (const auto& [port, c] : convs) {
    ASSERT_GT(c.client.size(), 40u);
    // TPKT version 3 with its length, X.224 connection request, the cookie, the negotiation.
    EXPECT_EQ(c.client[0], 3);
    EXPECT_EQ(static_cast<std::uint8_t>(c.client[5]), 0xe0);
    const std::size_t tpkt = std::size_t{static_cast<std::uint8_t>(c.client[2])} << 8 |
                             std::size_t{static_cast<std::uint8_t>(c.client[3])};
    EXPECT_NE(c.client.find("Cookie: mstshash="), std::string::npos);
    EXPECT_EQ(c.client[tpkt - 8], 1);                            // RDP_NEG_REQ
    EXPECT_EQ(static_cast<std::uint8_t>(c.client[tpkt]), 0x16);  // then the TLS ClientHello
    ASSERT_GE(c.server.size(), 19u);
    EXPECT_EQ(static_cast<std::uint8_t>(c.server[5]), 0xd0);  // connection confirm
    EXPECT_EQ(c.server[11], 2);                               // RDP_NEG_RSP
    EXPECT_EQ(c.server[15], 2);                               // CredSSP chosen
    EXPECT_TRUE(c.closed);
  }
}

// ---- DNS tunnel --------------------------------------------------------------------------------

struct DnsQuestion {
  std::uint16_t id = 0;
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t answers = 0;
  bool response = false;
};

DnsQuestion parse_dns(std::span<const std::uint8_t> m) {
  DnsQuestion q;
  q.id = static_cast<std::uint16_t>(m[0] << 8 | m[1]);
  q.response = (m[2] & 0x80) != 0;
  q.answers = static_cast<std::uint16_t>(m[6] << 8 | m[7]);
  std::size_t at = 12;
  while (m[at] != 0) {
    if (!q.name.empty()) q.name += '.';
    q.name.append(m.begin() + static_cast<std::ptrdiff_t>(at + 1),
                  m.begin() + static_cast<std::ptrdiff_t>(at + 1 + m[at]));
    at += 1u + m[at];
  }
  q.type = static_cast<std::uint16_t>(m[at + 1] << 8 | m[at + 2]);
  return q;
}

TEST(DnsTunnelAttack, LongHighEntropySubdomainsOfOneDomainAnswered) {
  const AttackRun run = single("dns_tunnel");
  const PlannedAttack& a = run.attacks.at(0);
  const auto frames = attack_frames(run);
  std::map<std::uint16_t, DnsQuestion> queries;
  std::map<std::uint16_t, int> types;
  std::set<std::string> domains;
  std::map<char, int> chars;
  std::size_t total_chars = 0;
  int answered = 0;
  for (const Frame& f : frames) {
    const PacketView v = f.view();
    ASSERT_TRUE(is_udp(v));
    const DnsQuestion q = parse_dns(v.l4_payload);
    if (!q.response) {
      EXPECT_EQ(v.src_ip, a.attackers.at(0));
      EXPECT_EQ(v.dst_ip, a.victims.at(0));
      EXPECT_EQ(v.dst_port, 53);
      queries[q.id] = q;
      ++types[q.type];
      std::string domain;
      for (std::string_view d : dns_tunnel_domains()) {
        if (q.name.size() > d.size() && q.name.ends_with(d)) domain = d;
      }
      ASSERT_FALSE(domain.empty()) << q.name;
      domains.insert(domain);
      const std::string sub = q.name.substr(0, q.name.size() - domain.size() - 1);
      EXPECT_GE(sub.size(), 100u);
      for (char c : sub) {
        if (c == '.') continue;
        EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << c;
        ++chars[c];
        ++total_chars;
      }
    } else {
      const DnsQuestion& asked = queries.at(q.id);
      EXPECT_EQ(q.name, asked.name);
      EXPECT_EQ(q.type, asked.type);
      EXPECT_EQ(q.answers, 1);
      ++answered;
    }
  }
  EXPECT_EQ(domains.size(), 1u);
  EXPECT_EQ(static_cast<std::size_t>(answered), queries.size());
  // About five queries a second over the 8 s the tunnel runs in a 20-second capture.
  EXPECT_GT(queries.size(), 25u);
  EXPECT_GT(types[16], types[10]);
  EXPECT_GT(types[10], 0);
  EXPECT_GT(types[5], 0);
  double entropy = 0;
  for (const auto& [c, n] : chars) {
    const double p = static_cast<double>(n) / static_cast<double>(total_chars);
    entropy -= p * std::log2(p);
  }
  EXPECT_GT(entropy, 4.8);  // base32 carries 5 bits a character
}

// ---- ARP spoofing ------------------------------------------------------------------------------

TEST(ArpSpoofAttack, RepliesClaimTheGatewayAddressWithTheAttackersMac) {
  const AttackRun run = single("arp_spoof");
  const PlannedAttack& a = run.attacks.at(0);
  const Network& net = run.generator->network();
  const Host& attacker = host_at(run, a.attackers.at(0));
  std::map<IpAddress, std::vector<std::int64_t>> to;  // poisoned address -> reply times
  int gratuitous = 0;
  for (const Frame& f : attack_frames(run)) {
    const PacketView v = f.view();
    ASSERT_EQ(v.net, NetLayer::kArp);
    EXPECT_EQ(v.arp_op, 2);
    EXPECT_EQ(v.src_ip, net.gateway_ipv4());
    EXPECT_EQ(v.arp_sender_mac, attacker.mac.bytes);
    EXPECT_NE(v.arp_sender_mac, net.gateway_mac().bytes);
    if (v.dst_ip == net.gateway_ipv4()) {
      ++gratuitous;
    } else {
      to[v.dst_ip].push_back(f.ts.ns);
    }
  }
  EXPECT_GE(gratuitous, 1);
  EXPECT_EQ(to.size(), a.victims.size() - 1);  // the victims: the gateway and the poisoned hosts
  for (const auto& [address, times] : to) {
    EXPECT_NE(std::find(a.victims.begin(), a.victims.end(), address), a.victims.end());
    EXPECT_GE(times.size(), 5u);
    for (std::size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], 200'000'000LL);
      EXPECT_LE(times[i] - times[i - 1], 2'100'000'000LL);
    }
  }
}

// ---- exfiltration and beaconing ----------------------------------------------------------------

TEST(ExfiltrationAttack, ALargeTlsUploadToOneOutsideAddress) {
  const AttackRun run = single("exfiltration");
  const PlannedAttack& a = run.attacks.at(0);
  const IpAddress inside = a.attackers.at(0);
  const IpAddress outside = a.victims.at(0);
  std::uint64_t up = 0;
  std::uint64_t down = 0;
  std::int64_t first_data = 0;
  std::int64_t last_data = 0;
  bool hello = false;
  for (const Frame& f : attack_frames(run)) {
    const PacketView v = f.view();
    ASSERT_TRUE(is_tcp(v));
    if (v.src_ip == inside) {
      EXPECT_EQ(v.dst_ip, outside);
      EXPECT_EQ(v.dst_port, 443);
      if (!hello && v.l4_payload_len > 0) {
        hello = v.l4_payload[0] == 0x16 && v.l4_payload[5] == 0x01;  // TLS handshake: ClientHello
      }
      if (v.l4_payload_len > 0) {
        if (first_data == 0) first_data = f.ts.ns;
        last_data = f.ts.ns;
      }
      up += v.l4_payload_len;
    } else {
      down += v.l4_payload_len;
    }
  }
  EXPECT_TRUE(hello);
  // A 20-second run uploads a third of the 60-second volume.
  EXPECT_GE(up, kExfiltrationBytes / 3);
  EXPECT_LT(down, 10'000u);
  // At an uplink's pace (30-60 Mbit/s), not in an instant.
  const double seconds = static_cast<double>(last_data - first_data) / 1e9;
  EXPECT_GT(static_cast<double>(up) * 8 / seconds, 25e6);
  EXPECT_LT(static_cast<double>(up) * 8 / seconds, 65e6);
}

TEST(BeaconingAttack, CallbacksAtTheStatedPeriodWithJitter) {
  for (double seconds : {20.0, 90.0}) {
    SCOPED_TRACE(seconds);
    const AttackRun run = single("beaconing", seconds);
    const PlannedAttack& a = run.attacks.at(0);
    const std::int64_t run_end = run.generator->config().start.ns + static_cast<std::int64_t>(seconds * 1e9);
    const std::int64_t period = beacon_period(a.planned_start_ns, run_end);
    std::vector<std::int64_t> syns;
    for (const Frame& f : attack_frames(run, seconds)) {
      const PacketView v = f.view();
      ASSERT_TRUE(is_tcp(v));
      if (v.tcp.flags == kSyn) {
        EXPECT_EQ(v.src_ip, a.attackers.at(0));
        EXPECT_EQ(v.dst_ip, a.victims.at(0));
        EXPECT_EQ(v.dst_port, 443);
        syns.push_back(f.ts.ns);
      }
    }
    EXPECT_GE(syns.size(), 10u);
    std::int64_t shortest = INT64_MAX;
    std::int64_t longest = 0;
    for (std::size_t i = 1; i < syns.size(); ++i) {
      const std::int64_t gap = syns[i] - syns[i - 1];
      EXPECT_GE(static_cast<double>(gap), 0.9 * static_cast<double>(period));
      EXPECT_LE(static_cast<double>(gap), 1.1 * static_cast<double>(period));
      shortest = std::min(shortest, gap);
      longest = std::max(longest, gap);
    }
    EXPECT_GT(static_cast<double>(longest - shortest), 0.03 * static_cast<double>(period));  // jitter
  }
}

}  // namespace
}  // namespace nta
