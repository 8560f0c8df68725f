// nta's application inspector over a capture, for comparison with ndpi_eval.c: the same capture in
// memory, the same 5-tuple flow table; nta's decode() for the headers and inspect_app() on every
// packet of every flow (its fast path ends inspection after the first payload packets). Two timed
// passes: decode + flow table (baseline), then with inspect_app; the difference is the inspector's.
// Usage: nta_app_eval CAPTURE [LABELS.tsv]      Not part of nta; see docs/app_layer.md.
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "app/app_inspector.h"
#include "decode/decoder.h"
#include "eval_common.h"

// Heap use, counted to see what a flow costs (the AppInfo and its longer strings).
static std::uint64_t g_alloc_calls = 0, g_alloc_bytes = 0;  // NOLINT: a measuring hook

void* operator new(std::size_t n) {
  ++g_alloc_calls;
  g_alloc_bytes += n;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

struct Flow {
  EvalKey key;
  bool orig_is_lo = false;
  nta::AppState state;
  std::unique_ptr<nta::AppInfo> info;
};

// One pass; returns elapsed ns and leaves the flows in `flows`.
double run_pass(const EvalCapture& cap, bool with_app, std::vector<Flow>& flows, std::uint64_t* slow_calls) {
  EvalTable table;
  eval_table_init(&table, 1 << 16);
  flows.clear();
  flows.reserve(1 << 16);
  std::uint64_t slow = 0;
  const double t0 = eval_now_ns();
  for (std::size_t i = 0; i < cap.count; ++i) {
    const EvalPacket& p = cap.packets[i];
    nta::RawPacket raw;
    raw.ts = nta::Timestamp{};
    raw.wire_len = p.wire_len;
    raw.link = static_cast<nta::LinkType>(cap.linktype);
    raw.data = {p.data, p.caplen};
    nta::PacketView v;
    nta::decode(raw, v);
    if (v.net != nta::NetLayer::kIpv4 && v.net != nta::NetLayer::kIpv6) continue;
    EvalKey key;
    const int src_lo =
        eval_make_key(&key, v.net == nta::NetLayer::kIpv4 ? 4 : 6, v.ip_proto, v.src_ip.bytes.data(),
                      v.has_ports ? v.src_port : 0, v.dst_ip.bytes.data(), v.has_ports ? v.dst_port : 0);
    int added = 0;
    const std::uint32_t idx =
        eval_table_find_or_add(&table, &key, static_cast<std::uint32_t>(flows.size()), &added);
    if (added != 0) {
      flows.emplace_back();
      flows.back().key = key;
      flows.back().orig_is_lo = src_lo != 0;
    }
    if (!with_app) continue;
    Flow& f = flows[idx];
    const bool from_orig = (src_lo != 0) == f.orig_is_lo;
    if (slow_calls != nullptr) {  // counting pass only: which calls reach the out-of-line path
      const std::uint8_t dir = from_orig ? nta::AppState::kOrigDone : nta::AppState::kRespDone;
      if ((f.state.flags & dir) == 0 &&
          !(v.l4_payload.empty() && (f.state.flags & nta::AppState::kStarted) != 0))
        ++slow;
    }
    nta::inspect_app(v, from_orig, f.state, f.info);
  }
  const double t1 = eval_now_ns();
  eval_table_free(&table);
  if (slow_calls != nullptr) *slow_calls = slow;
  return t1 - t0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: nta_app_eval CAPTURE [LABELS.tsv]\n");
    return 2;
  }
  EvalCapture cap;
  if (eval_load(argv[1], &cap) != 0) return 1;
  std::vector<Flow> flows;
  double base = 1e30, with = 1e30;
  for (int r = 0; r < 3; ++r) base = std::min(base, run_pass(cap, false, flows, nullptr));
  for (int r = 0; r < 3; ++r) with = std::min(with, run_pass(cap, true, flows, nullptr));
  // The counting pass: heap use of the inspector alone (the baseline pass allocates the same flows).
  std::vector<Flow> scratch;
  std::uint64_t slow = 0;
  run_pass(cap, false, scratch, nullptr);
  const std::uint64_t base_calls = g_alloc_calls, base_bytes = g_alloc_bytes;
  run_pass(cap, false, scratch, nullptr);
  const std::uint64_t table_calls = g_alloc_calls - base_calls, table_bytes = g_alloc_bytes - base_bytes;
  const std::uint64_t calls0 = g_alloc_calls, bytes0 = g_alloc_bytes;
  run_pass(cap, true, flows, &slow);
  const double app_calls = static_cast<double>(g_alloc_calls - calls0 - table_calls);
  const double app_bytes = static_cast<double>(g_alloc_bytes - bytes0 - table_bytes);

  std::size_t tcpudp = 0, by_content = 0, by_port = 0, infos = 0;
  for (const Flow& f : flows) {
    if (f.key.proto != 6 && f.key.proto != 17) continue;
    ++tcpudp;
    infos += f.info != nullptr;
    if (f.state.service == nta::Service::kUnknown) continue;
    if (f.state.service_from_content())
      ++by_content;
    else
      ++by_port;
  }
  const double n = static_cast<double>(cap.count);
  std::printf(
      "nta_app_eval: sizeof(AppState) = %zu bytes, sizeof(AppInfo) = %zu bytes (allocated for %zu flows)\n",
      sizeof(nta::AppState), sizeof(nta::AppInfo), infos);
  std::printf("packets %zu, flows %zu (TCP/UDP %zu), calls past the inline fast path %llu\n", cap.count,
              flows.size(), tcpudp, static_cast<unsigned long long>(slow));
  std::printf("per flow with findings: %.2f allocations, %.0f bytes (AppInfo and strings over 15 chars)\n",
              app_calls / static_cast<double>(infos), app_bytes / static_cast<double>(infos));
  std::printf("baseline (decode + flow table): %.1f ns/packet\n", base / n);
  std::printf("with inspect_app:               %.1f ns/packet (%.2f Mpps)\n", with / n, n / with * 1e3);
  std::printf("inspector share: %.1f ns/packet over all packets, %.0f ns per inspected packet\n",
              (with - base) / n, (with - base) / static_cast<double>(slow));
  std::printf("TCP/UDP flows labelled: %zu by content, %zu by port, %zu unknown\n", by_content, by_port,
              tcpudp - by_content - by_port);
  if (argc > 2) {
    FILE* out = std::fopen(argv[2], "w");
    if (out == nullptr) {
      std::perror(argv[2]);
      return 1;
    }
    for (const Flow& f : flows) {
      if (f.key.proto != 6 && f.key.proto != 17) continue;
      char key[256];
      eval_format_key(&f.key, key, sizeof key);
      const std::string_view name = nta::service_name(f.state.service);
      std::string detail;
      if (f.info) {
        detail = f.info->dns_query + f.info->http_host + f.info->tls_sni + f.info->ssh_client_banner;
      }
      std::fprintf(out, "%s\t%s\t%s\t%s\n", key, name.empty() ? "-" : std::string(name).c_str(),
                   f.state.service_from_content() ? "content" : "port", detail.c_str());
    }
    std::fclose(out);
  }
  return 0;
}
