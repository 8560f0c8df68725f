// FlowTable::update on a synthetic but realistic stream: N concurrent flows (80% TCP sessions of 16
// packets: handshake, request, responses, ACKs, FIN both ways, last ACK; 20% DNS-like UDP pairs),
// finished flows replaced by new ones, expire() called at every packet-time second. Packet time
// advances so each flow sees a packet every ~5 s; the table then holds ~2N flows (closed TCP flows
// linger 5 s, answered DNS flows wait out the 60 s UDP timeout).
//
// Second argument, how packets pick their flow:
//   0  uniformly at random, one packet at a time (the worst case for caches)
//   1  uniformly at random, in trains of 1-4 consecutive packets of one flow (TCP bursts)
//   2  trains, and skewed popularity (flow index = N * u^3: a few flows carry most packets)
//
// BM_StreamOnly measures the generator alone; BM_FlowUpdate the generator plus the table. The
// table's cost per packet is the difference of their ns/packet (1e9 / items_per_second).
// Counters: flows (table size at the end), peak_flows (largest size seen at a second boundary),
// bytes_per_flow (table memory / flows), table_mib, peak_rss_mib (the whole process, so far: run
// one benchmark alone to read it for that benchmark).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "flow/flow_table.h"

namespace {

using nta::FlowRecord;
using nta::FlowTable;
using nta::PacketView;

class Stream {
 public:
  // Packet time advances so that each flow sees a packet about every 5 s: the table holds about
  // `concurrent` flows (plus the closed ones lingering for 5 s).
  Stream(std::size_t concurrent, int mode)
      : flows_(concurrent),
        mode_(mode),
        step_ns_(std::max<std::int64_t>(1, 5'000'000'000 / static_cast<std::int64_t>(concurrent))) {
    for (Flow& f : flows_) start(f);
    view_.net = nta::NetLayer::kIpv4;
    view_.ethertype = nta::ethertype::kIpv4;
    view_.src_ip.family = nta::IpFamily::kV4;
    view_.dst_ip.family = nta::IpFamily::kV4;
    view_.has_ports = true;
    view_.has_l4 = true;
    view_.ttl = 64;
  }

  // Fills the next packet into the view (reused: only the fields that change are written).
  const PacketView& next() {
    if (train_left_ == 0) {
      if (mode_ == 2) {
        const double u = static_cast<double>(rand() >> 11) * 0x1.0p-53;
        current_ = static_cast<std::size_t>(u * u * u * static_cast<double>(flows_.size()));
      } else {
        current_ = static_cast<std::size_t>(rand() % flows_.size());
      }
      train_left_ = mode_ != 0 ? 1 + static_cast<std::uint32_t>(rand() % 4) : 1;
    }
    --train_left_;
    Flow& f = flows_[current_];
    now_ += step_ns_;
    view_.ts = nta::Timestamp{now_};
    if (f.udp) {
      emit_udp(f);
    } else {
      emit_tcp(f);
    }
    return view_;
  }

  [[nodiscard]] std::int64_t now() const { return now_; }

 private:
  struct Flow {
    std::uint32_t client = 0;
    std::uint32_t server = 0;
    std::uint32_t cseq = 0;
    std::uint32_t sseq = 0;
    std::uint16_t cport = 0;
    std::uint16_t sport = 0;
    std::uint8_t stage = 0;
    bool udp = false;
  };
  struct Step {
    bool from_client;
    std::uint8_t flags;
    std::uint16_t payload;
  };
  static constexpr std::uint8_t S = nta::tcpflag::kSyn;
  static constexpr std::uint8_t A = nta::tcpflag::kAck;
  static constexpr std::uint8_t P = nta::tcpflag::kPsh;
  static constexpr std::uint8_t F = nta::tcpflag::kFin;
  static constexpr Step kTcp[] = {
      {true, S, 0},         {false, S | A, 0},    {true, A, 0},         {true, P | A, 320},
      {false, A, 0},        {false, P | A, 1400}, {false, P | A, 1400}, {true, A, 0},
      {false, P | A, 1400}, {true, A, 0},         {true, P | A, 180},   {false, P | A, 760},
      {true, A, 0},         {true, F | A, 0},     {false, F | A, 0},    {true, A, 0},
  };

  std::uint64_t rand() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }

  void start(Flow& f) {
    ++started_;
    f.client = 0x0a000000u + static_cast<std::uint32_t>(started_ % 0xfffff0);  // 10.0.0.0/8
    f.server = 0xc6120000u + static_cast<std::uint32_t>(rand() % 2000);        // 198.18.0.0/15
    f.cport = static_cast<std::uint16_t>(1024 + (started_ / 0xfffff0 + rand()) % 60000);
    f.udp = rand() % 5 == 0;
    f.sport = f.udp ? 53 : (rand() % 3 == 0 ? 80 : 443);
    f.cseq = static_cast<std::uint32_t>(rand());
    f.sseq = static_cast<std::uint32_t>(rand());
    f.stage = 0;
  }

  void set_addresses(const Flow& f, bool from_client) {
    const std::uint32_t src = from_client ? f.client : f.server;
    const std::uint32_t dst = from_client ? f.server : f.client;
    for (int i = 0; i < 4; ++i) {
      view_.src_ip.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(src >> (24 - 8 * i));
      view_.dst_ip.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(dst >> (24 - 8 * i));
    }
    view_.src_port = from_client ? f.cport : f.sport;
    view_.dst_port = from_client ? f.sport : f.cport;
  }

  void emit_tcp(Flow& f) {
    const Step& s = kTcp[f.stage];
    set_addresses(f, s.from_client);
    view_.ip_proto = nta::ipproto::kTcp;
    std::uint32_t& seq = s.from_client ? f.cseq : f.sseq;
    view_.tcp.seq = seq;
    view_.tcp.ack = s.from_client ? f.sseq : f.cseq;
    view_.tcp.flags = s.flags;
    view_.tcp.window = 64240;
    view_.l4_payload_len = s.payload;
    view_.ip_len = static_cast<std::uint16_t>(40 + s.payload);
    seq += s.payload + ((s.flags & (S | F)) != 0 ? 1u : 0u);
    if (++f.stage == std::size(kTcp)) start(f);
  }

  void emit_udp(Flow& f) {
    const bool query = f.stage == 0;
    set_addresses(f, query);
    view_.ip_proto = nta::ipproto::kUdp;
    view_.l4_payload_len = query ? 40 : 120;
    view_.ip_len = static_cast<std::uint16_t>(28 + view_.l4_payload_len);
    if (++f.stage == 2) start(f);
  }

  std::vector<Flow> flows_;
  int mode_;
  std::int64_t step_ns_;
  PacketView view_;
  std::uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
  std::uint64_t started_ = 0;
  std::size_t current_ = 0;
  std::uint32_t train_left_ = 0;
  std::int64_t now_ = 1'700'000'000'000'000'000;
};

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

constexpr int kBatch = 4096;

void BM_StreamOnly(benchmark::State& state) {
  Stream stream(static_cast<std::size_t>(state.range(0)), static_cast<int>(state.range(1)));
  std::uint64_t sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) sum += stream.next().tcp.seq;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_FlowUpdate(benchmark::State& state) {
  const auto concurrent = static_cast<std::size_t>(state.range(0));
  Stream stream(concurrent, static_cast<int>(state.range(1)));
  FlowTable table(nta::FlowConfig{.max_flows = 4 * concurrent});
  std::uint64_t emitted = 0;
  auto sink = [&](const FlowRecord& r) { emitted += r.orig.packets; };
  std::int64_t last_second = 0;
  std::size_t peak_flows = 0;
  auto step = [&] {
    const PacketView& p = stream.next();
    if (p.ts.seconds() != last_second) {
      last_second = p.ts.seconds();
      peak_flows = std::max(peak_flows, table.size());
      table.expire(p.ts, sink);
    }
    const nta::FlowUpdate u = table.update(p, sink);
    benchmark::DoNotOptimize(u.flow);
  };
  // Warm up: every generator flow under way, the table at its working size.
  for (std::size_t i = 0; i < 4 * concurrent; ++i) step();
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) step();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["flows"] = static_cast<double>(table.size());
  state.counters["peak_flows"] = static_cast<double>(peak_flows);
  state.counters["bytes_per_flow"] =
      static_cast<double>(table.memory_bytes()) / static_cast<double>(std::max<std::size_t>(table.size(), 1));
  state.counters["table_mib"] = static_cast<double>(table.memory_bytes()) / (1024.0 * 1024.0);
  state.counters["peak_rss_mib"] = peak_rss_mib();
  benchmark::DoNotOptimize(emitted);
}

// Args: concurrent generator flows, flow choice (see the top of the file).
BENCHMARK(BM_StreamOnly)->Args({50'000, 0})->Args({50'000, 1})->Args({50'000, 2})->Args({1'000'000, 1});
BENCHMARK(BM_FlowUpdate)
    ->Args({1'000, 1})
    ->Args({50'000, 0})
    ->Args({50'000, 1})
    ->Args({50'000, 2})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2});

}  // namespace

BENCHMARK_MAIN();
