// Application-layer inspector cost: the first packets of DNS, HTTP, TLS and SSH flows (parsing,
// the AppInfo allocation and its strings included), an unrecognised payload (signature checks
// only), and a bulk packet of a flow whose inspection is over (the per-packet cost for the rest
// of the traffic). Reports packets/s (items/s); ns/packet = 1e9 / items_per_second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/app_inspector.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Packet {
  bool from_client;
  Bytes payload;
};

struct FlowScript {
  std::uint8_t proto;
  std::uint16_t client_port;
  std::uint16_t server_port;
  std::vector<Packet> packets;
};

class W {
 public:
  W& u8(unsigned v) {
    b.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  W& be16(unsigned v) { return u8((v >> 8) & 0xff).u8(v & 0xff); }
  W& text(std::string_view s) {
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  W& name(std::string_view n) {
    while (!n.empty()) {
      const auto dot = n.find('.');
      const auto label = n.substr(0, dot);
      u8(static_cast<unsigned>(label.size())).text(label);
      n = dot == std::string_view::npos ? std::string_view{} : n.substr(dot + 1);
    }
    return u8(0);
  }
  void set16(std::size_t at, std::size_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
  }
  Bytes b;
};

Bytes dns(bool response) {
  W w;
  w.be16(0x1234).be16(response ? 0x8180 : 0x0100).be16(1).be16(response ? 2 : 0).be16(0).be16(0);
  w.name("www.wikipedia.org").be16(1).be16(1);
  if (response) {
    for (int i = 0; i < 2; ++i)
      w.u8(0xc0).u8(12).be16(1).be16(1).be16(0).be16(300).be16(4).be16(0xd050).be16(0x9a00);
  }
  return w.b;
}

Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Bytes client_hello() {
  W w;
  w.u8(22).u8(3).u8(1).be16(0).u8(1).u8(0).be16(0).be16(0x0303);
  for (int i = 0; i < 32; ++i) w.u8(0x11);
  w.u8(32);
  for (int i = 0; i < 32; ++i) w.u8(0x22);
  w.be16(32);
  for (int i = 0; i < 16; ++i) w.be16(0x1301 + static_cast<unsigned>(i));
  w.u8(1).u8(0);
  const std::size_t ext = w.b.size();
  w.be16(0);
  const std::string_view sni = "www.wikipedia.org";
  w.be16(0).be16(static_cast<unsigned>(sni.size() + 5)).be16(static_cast<unsigned>(sni.size() + 3)).u8(0);
  w.be16(static_cast<unsigned>(sni.size())).text(sni);
  for (unsigned t : {23u, 65281u, 10u, 11u, 35u, 5u, 13u, 18u, 51u, 45u})
    w.be16(t).be16(8).be16(0).be16(0).be16(0).be16(0);
  w.be16(43).be16(7).u8(6).be16(0x2a2a).be16(0x0304).be16(0x0303);
  w.be16(16).be16(14).be16(12).u8(2).text("h2").u8(8).text("http/1.1");
  w.be16(21).be16(200);  // padding
  for (int i = 0; i < 200; ++i) w.u8(0);
  w.set16(ext, w.b.size() - ext - 2);
  w.set16(3, w.b.size() - 5);
  w.set16(7, w.b.size() - 9);
  return w.b;
}

Bytes server_hello() {
  W w;
  w.u8(22).u8(3).u8(3).be16(0).u8(2).u8(0).be16(0).be16(0x0303);
  for (int i = 0; i < 32; ++i) w.u8(0x33);
  w.u8(32);
  for (int i = 0; i < 32; ++i) w.u8(0x22);
  w.be16(0x1301).u8(0).be16(46).be16(43).be16(2).be16(0x0304).be16(51).be16(36).be16(29).be16(32);
  for (int i = 0; i < 32; ++i) w.u8(0x44);
  w.set16(3, w.b.size() - 5);
  w.set16(7, w.b.size() - 9);
  return w.b;
}

std::vector<FlowScript> flows() {
  return {
      {17, 51000, 53, {{true, dns(false)}, {false, dns(true)}}},
      {6,
       51001,
       80,
       {{true, text("GET /connecttest.txt HTTP/1.1\r\nConnection: Close\r\nUser-Agent: Microsoft NCSI\r\n"
                    "Host: www.msftconnecttest.com\r\n\r\n")},
        {false, text("HTTP/1.1 200 OK\r\nContent-Length: 22\r\nContent-Type: text/plain\r\n\r\nMicrosoft "
                     "Connect Test")}}},
      {6, 51002, 443, {{true, client_hello()}, {false, server_hello()}}},
      {6,
       51003,
       22,
       {{false, text("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n")},
        {true, text("SSH-2.0-OpenSSH_9.6\r\n")}}},
  };
}

nta::PacketView view(const FlowScript& f, const Packet& p) {
  nta::PacketView v;
  v.ip_proto = f.proto;
  v.has_ports = true;
  v.has_l4 = true;
  v.src_port = p.from_client ? f.client_port : f.server_port;
  v.dst_port = p.from_client ? f.server_port : f.client_port;
  v.l4_payload = p.payload;
  v.l4_payload_len = static_cast<std::uint32_t>(p.payload.size());
  return v;
}

// The first payload packets of the four kinds of flow, on fresh state (as each new flow sees them).
void BM_InspectFirstPackets(benchmark::State& st) {
  const auto scripts = flows();
  std::vector<std::vector<nta::PacketView>> views;
  std::size_t per_round = 0;
  for (const auto& f : scripts) {
    views.emplace_back();
    for (const auto& p : f.packets) views.back().push_back(view(f, p));
    per_round += f.packets.size();
  }
  for (auto _ : st) {
    for (std::size_t i = 0; i < scripts.size(); ++i) {
      nta::AppState state;
      std::unique_ptr<nta::AppInfo> info;
      for (std::size_t k = 0; k < views[i].size(); ++k)
        nta::inspect_app(views[i][k], scripts[i].packets[k].from_client, state, info);
      benchmark::DoNotOptimize(info.get());
    }
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(per_round));
}
BENCHMARK(BM_InspectFirstPackets);

// One kind of flow at a time: 0 DNS, 1 HTTP, 2 TLS, 3 SSH (both directions' first payload).
void BM_InspectFlow(benchmark::State& st) {
  const auto scripts = flows();
  const FlowScript& f = scripts[static_cast<std::size_t>(st.range(0))];
  std::vector<nta::PacketView> views;
  for (const auto& p : f.packets) views.push_back(view(f, p));
  for (auto _ : st) {
    nta::AppState state;
    std::unique_ptr<nta::AppInfo> info;
    for (std::size_t k = 0; k < views.size(); ++k)
      nta::inspect_app(views[k], f.packets[k].from_client, state, info);
    benchmark::DoNotOptimize(info.get());
  }
  static constexpr const char* kNames[] = {"dns", "http", "tls", "ssh"};
  st.SetLabel(kNames[st.range(0)]);
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(views.size()));
}
BENCHMARK(BM_InspectFlow)->DenseRange(0, 3);

// A payload that matches no signature on an unknown port: signature checks, no allocation.
void BM_InspectUnrecognised(benchmark::State& st) {
  const Bytes payload(600, 0x17);
  FlowScript f{6, 51004, 40000, {{true, payload}}};
  const nta::PacketView v = view(f, f.packets[0]);
  for (auto _ : st) {
    nta::AppState state;
    std::unique_ptr<nta::AppInfo> info;
    nta::inspect_app(v, true, state, info);
    benchmark::DoNotOptimize(state);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_InspectUnrecognised);

// A bulk data packet of a flow whose inspection is over: the cost for most packets.
void BM_InspectBulkPacket(benchmark::State& st) {
  const Bytes payload(1448, 0x17);
  FlowScript f{6, 51005, 443, {{false, payload}}};
  const nta::PacketView v = view(f, f.packets[0]);
  nta::AppState state;
  std::unique_ptr<nta::AppInfo> info;
  for (int i = 0; i < 2 * nta::kAppMaxPayloadPackets; ++i) nta::inspect_app(v, i % 2 == 0, state, info);
  if (!state.done()) st.SkipWithError("inspection did not finish");
  for (auto _ : st) {
    benchmark::DoNotOptimize(state);
    nta::inspect_app(v, false, state, info);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_InspectBulkPacket);

}  // namespace

BENCHMARK_MAIN();
