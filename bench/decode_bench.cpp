// Decoder throughput on a realistic mix of frames built here: Ethernet/IPv4/TCP with options (SYN,
// SYN-ACK, data and ACK segments with timestamps), UDP DNS query and answer, IPv6 TCP, 802.1Q-tagged
// IPv4 TCP, and an ARP request. Reports packets/s (items/s); ns/packet = 1e9 / items_per_second.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "decode/decoder.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

class Frame {
 public:
  Frame& u8(unsigned v) {
    b_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  Frame& be16(unsigned v) { return u8(v >> 8).u8(v); }
  Frame& be32(std::uint32_t v) { return be16(v >> 16).be16(v & 0xffff); }
  Frame& raw(std::initializer_list<unsigned> bytes) {
    for (unsigned v : bytes) u8(v);
    return *this;
  }
  Frame& fill(std::size_t n, unsigned v) {
    b_.insert(b_.end(), n, static_cast<std::uint8_t>(v));
    return *this;
  }
  // Patches a big-endian 16-bit value in place.
  Frame& set16(std::size_t at, std::size_t v) {
    b_[at] = static_cast<std::uint8_t>(v >> 8);
    b_[at + 1] = static_cast<std::uint8_t>(v);
    return *this;
  }
  [[nodiscard]] std::size_t size() const { return b_.size(); }
  Bytes take() { return std::move(b_); }

 private:
  Bytes b_;
};

void eth(Frame& f, unsigned type, bool vlan = false) {
  f.raw({0x00, 0x1b, 0x21, 0x3a, 0x4c, 0x5d, 0xf0, 0x9f, 0xc2, 0x11, 0x22, 0x33});
  if (vlan) f.be16(0x8100).be16(42);
  f.be16(type);
}

// A 20-byte IPv4 header (DF set); returns the offset of its total length field, patched later.
std::size_t ipv4(Frame& f, unsigned proto, std::uint32_t src, std::uint32_t dst) {
  const std::size_t at = f.size() + 2;
  f.u8(0x45).u8(0).be16(0).be16(0x1c46).be16(0x4000).u8(64).u8(proto).be16(0).be32(src).be32(dst);
  return at;
}

void tcp(Frame& f, unsigned sport, unsigned dport, unsigned flags, bool syn_options, bool timestamps) {
  const unsigned opt_len = syn_options ? 20 : timestamps ? 12 : 0;
  f.be16(sport).be16(dport).be32(0x12345678).be32(0x9abcdef0).u8(((20 + opt_len) / 4) << 4).u8(flags);
  f.be16(64240).be16(0).be16(0);
  if (syn_options) {
    f.raw({2, 4}).be16(1460).raw({4, 2, 8, 10}).be32(0x01020304).be32(0).raw({1, 3, 3, 7});
  } else if (timestamps) {
    f.raw({1, 1, 8, 10}).be32(0x01020304).be32(0x05060708);
  }
}

Bytes tcp4(unsigned flags, bool syn_options, bool timestamps, std::size_t payload, bool vlan = false) {
  Frame f;
  eth(f, 0x0800, vlan);
  const std::size_t ip_at = ipv4(f, 6, 0x0a000001, 0xc0a80114);
  const std::size_t ip_start = ip_at - 2;
  tcp(f, 51000, 443, flags, syn_options, timestamps);
  f.fill(payload, 0x17);
  f.set16(ip_at, f.size() - ip_start);
  if (f.size() < 60) f.fill(60 - f.size(), 0);  // Ethernet padding
  return f.take();
}

Bytes dns4(bool answer) {
  Frame f;
  eth(f, 0x0800);
  const std::size_t ip_at = ipv4(f, 17, 0x0a000001, 0x08080808);
  const std::size_t udp_start = f.size();
  f.be16(answer ? 53 : 40000).be16(answer ? 40000 : 53).be16(0).be16(0);
  f.be16(0xabcd).be16(answer ? 0x8180 : 0x0100).be16(1).be16(answer ? 1 : 0).be16(0).be16(0);
  f.u8(3)
      .raw({'w', 'w', 'w'})
      .u8(7)
      .raw({'e', 'x', 'a', 'm', 'p', 'l', 'e'})
      .u8(3)
      .raw({'c', 'o', 'm'})
      .u8(0);
  f.be16(1).be16(1);
  if (answer) f.be16(0xc00c).be16(1).be16(1).be32(300).be16(4).be32(0x5db8d822);
  f.set16(udp_start + 4, f.size() - udp_start);
  f.set16(ip_at, f.size() - (ip_at - 2));
  return f.take();
}

Bytes tcp6(std::size_t payload) {
  Frame f;
  eth(f, 0x86dd);
  const std::size_t plen_at = f.size() + 4;
  f.be32(0x60012345).be16(0).u8(6).u8(64);
  f.raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  f.raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
  const std::size_t l4 = f.size();
  tcp(f, 443, 51000, 0x18, false, true);
  f.fill(payload, 0x42);
  f.set16(plen_at, f.size() - l4);
  return f.take();
}

Bytes arp_request() {
  Frame f;
  f.raw({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0, 0x9f, 0xc2, 0x11, 0x22, 0x33}).be16(0x0806);
  f.be16(1).be16(0x0800).u8(6).u8(4).be16(1);
  f.raw({0xf0, 0x9f, 0xc2, 0x11, 0x22, 0x33}).be32(0x0a000001).fill(6, 0).be32(0x0a0000fe);
  f.fill(18, 0);
  return f.take();
}

// The mix: mostly TCP (data, ACKs, handshakes), DNS, some IPv6 and VLAN-tagged traffic.
std::vector<Bytes> make_mix() {
  return {
      tcp4(0x02, true, false, 0),          // SYN with MSS/SACK-perm/TS/WS
      tcp4(0x12, true, false, 0),          // SYN-ACK
      tcp4(0x10, false, true, 0),          // ACK with timestamps (padded frame)
      tcp4(0x18, false, true, 1448),       // full data segment
      tcp4(0x18, false, true, 517),        // TLS client hello-sized
      tcp4(0x10, false, false, 0),         // bare ACK
      tcp4(0x18, false, true, 1448),       // data
      tcp4(0x11, false, true, 0),          // FIN-ACK
      dns4(false),                         // DNS query
      dns4(true),                          // DNS answer
      tcp6(1208),                          // IPv6 TCP data
      tcp6(0),                             // IPv6 TCP ACK
      tcp4(0x18, false, true, 300, true),  // 802.1Q-tagged IPv4 TCP
      tcp4(0x10, false, true, 0, true),    // 802.1Q-tagged ACK
      dns4(false),
      arp_request(),
  };
}

std::vector<nta::RawPacket> make_packets(const std::vector<Bytes>& frames) {
  std::vector<nta::RawPacket> pkts;
  std::int64_t ns = 1'700'000'000'000'000'000;
  for (const Bytes& b : frames) {
    nta::RawPacket p;
    p.ts = nta::Timestamp{ns += 1000};
    p.wire_len = static_cast<std::uint32_t>(b.size());
    p.link = nta::LinkType::kEthernet;
    p.data = b;
    pkts.push_back(p);
  }
  return pkts;
}

void BM_DecodeMix(benchmark::State& state) {
  const std::vector<Bytes> frames = make_mix();
  const std::vector<nta::RawPacket> pkts = make_packets(frames);
  nta::PacketView view;
  for (auto _ : state) {
    for (const nta::RawPacket& p : pkts) {
      nta::decode(p, view);
      benchmark::DoNotOptimize(view);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pkts.size()));
}
BENCHMARK(BM_DecodeMix);

void BM_DecodeMixWithProtocolName(benchmark::State& state) {
  const std::vector<Bytes> frames = make_mix();
  const std::vector<nta::RawPacket> pkts = make_packets(frames);
  nta::PacketView view;
  std::size_t total = 0;
  for (auto _ : state) {
    for (const nta::RawPacket& p : pkts) {
      nta::decode(p, view);
      total += nta::protocol_name(view).size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pkts.size()));
}
BENCHMARK(BM_DecodeMixWithProtocolName);

void BM_DecodeTcpSyn(benchmark::State& state) {
  const std::vector<Bytes> frames{tcp4(0x02, true, false, 0)};
  const std::vector<nta::RawPacket> pkts = make_packets(frames);
  nta::PacketView view;
  for (auto _ : state) {
    nta::decode(pkts[0], view);
    benchmark::DoNotOptimize(view);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeTcpSyn);

}  // namespace

BENCHMARK_MAIN();
