/* nDPI per-flow detection over a capture, the way ndpiReader drives it but short: a 5-tuple flow
 * table, one heap ndpi_flow_struct per flow, ndpi_detection_process_packet() on each packet until
 * the flow is classified (and nDPI wants no extra packets) or 80 TCP / 24 UDP packets were given,
 * then ndpi_detection_giveup() for the unclassified. Two timed passes over the capture in memory:
 * the same parsing and flow table without nDPI (baseline), then with it; the difference is nDPI's.
 * Usage: ndpi_eval CAPTURE [LABELS.tsv]      Not part of nta; see docs/app_layer.md. */
#include <ndpi/ndpi_api.h>

#include "eval_common.h"

#define MAX_TCP_PACKETS 80 /* ndpiReader's max_num_tcp_dissected_pkts */
#define MAX_UDP_PACKETS 24 /* ndpiReader's max_num_udp_dissected_pkts */

typedef struct {
  EvalKey key;
  struct ndpi_flow_struct* ndpi;
  ndpi_protocol proto;
  uint16_t packets;
  uint8_t done;
  uint8_t guessed;
} Flow;

/* Finds the IP header; returns its offset or -1. Ethernet (VLAN/QinQ), Linux SLL/SLL2, raw, null. */
static long l3_offset(int linktype, const uint8_t* d, uint32_t n) {
  size_t off;
  uint16_t type;
  switch (linktype) {
    case DLT_EN10MB:
      if (n < 14) return -1;
      off = 14;
      type = (uint16_t)(d[12] << 8 | d[13]);
      while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && n >= off + 4) {
        type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
        off += 4;
      }
      return (type == 0x0800 || type == 0x86dd) ? (long)off : -1;
    case DLT_LINUX_SLL:
      if (n < 16) return -1;
      type = (uint16_t)(d[14] << 8 | d[15]);
      return (type == 0x0800 || type == 0x86dd) ? 16 : -1;
    case 276: /* LINUX_SLL2 */
      if (n < 20) return -1;
      type = (uint16_t)(d[0] << 8 | d[1]);
      return (type == 0x0800 || type == 0x86dd) ? 20 : -1;
    case DLT_RAW:
    case 101:
    case 228:
    case 229:
      return 0;
    case DLT_NULL:
    case DLT_LOOP:
      return n >= 4 ? 4 : -1;
    default:
      return -1;
  }
}

/* Reads the 5-tuple of the IP packet at `ip`; returns 1 on success (TCP/UDP/other with ports 0). */
static int five_tuple(const uint8_t* ip, uint32_t n, EvalKey* key, int* src_lo) {
  uint8_t src[16] = {0}, dst[16] = {0};
  uint8_t proto, family;
  size_t l4;
  if (n < 1) return 0;
  if ((ip[0] >> 4) == 4) {
    if (n < 20) return 0;
    family = 4;
    proto = ip[9];
    memcpy(src, ip + 12, 4);
    memcpy(dst, ip + 16, 4);
    l4 = (size_t)(ip[0] & 0x0f) * 4;
    if ((ip[6] & 0x1f) != 0 || ip[7] != 0) l4 = n; /* a non-first fragment: no ports */
  } else if ((ip[0] >> 4) == 6) {
    if (n < 40) return 0;
    family = 6;
    proto = ip[6];
    memcpy(src, ip + 8, 16);
    memcpy(dst, ip + 24, 16);
    l4 = 40; /* extension headers are not followed (as nta's flow key would, nDPI does itself) */
  } else {
    return 0;
  }
  uint16_t sport = 0, dport = 0;
  if ((proto == 6 || proto == 17) && n >= l4 + 4) {
    sport = (uint16_t)(ip[l4] << 8 | ip[l4 + 1]);
    dport = (uint16_t)(ip[l4 + 2] << 8 | ip[l4 + 3]);
  }
  *src_lo = eval_make_key(key, family, proto, src, sport, dst, dport);
  return 1;
}

/* nDPI's own allocations (through ndpi_malloc), counted to see what a flow costs beyond its struct. */
static uint64_t g_alloc_calls, g_alloc_bytes;
static void* counting_malloc(size_t n) {
  ++g_alloc_calls;
  g_alloc_bytes += n;
  return malloc(n);
}

static struct ndpi_detection_module_struct* new_module(void) {
  struct ndpi_detection_module_struct* m = ndpi_init_detection_module(ndpi_no_prefs);
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(m, &all);
  ndpi_finalize_initialization(m);
  return m;
}

/* One pass; with_ndpi = 0 is the baseline. Returns elapsed ns; fills the flow array. */
static double run_pass(const EvalCapture* cap, int with_ndpi, struct ndpi_detection_module_struct* m, Flow** flows_out,
                       size_t* nflows_out, uint64_t* ndpi_calls) {
  EvalTable table;
  eval_table_init(&table, 1 << 16);
  size_t nflows = 0, flow_cap = 1 << 16;
  Flow* flows = (Flow*)calloc(flow_cap, sizeof(Flow));
  uint64_t calls = 0;
  const double t0 = eval_now_ns();
  for (size_t i = 0; i < cap->count; ++i) {
    const EvalPacket* p = &cap->packets[i];
    const long off = l3_offset(cap->linktype, p->data, p->caplen);
    if (off < 0 || (uint32_t)off >= p->caplen) continue;
    const uint8_t* ip = p->data + off;
    const uint32_t iplen = p->caplen - (uint32_t)off;
    EvalKey key;
    int src_lo;
    if (!five_tuple(ip, iplen, &key, &src_lo)) continue;
    int added;
    const uint32_t idx = eval_table_find_or_add(&table, &key, (uint32_t)nflows, &added);
    if (added) {
      if (nflows == flow_cap) {
        flow_cap *= 2;
        flows = (Flow*)realloc(flows, flow_cap * sizeof(Flow));
      }
      memset(&flows[nflows], 0, sizeof(Flow));
      flows[nflows].key = key;
      ++nflows;
    }
    Flow* f = &flows[idx];
    if (!with_ndpi || f->done) continue;
    if (f->ndpi == NULL) f->ndpi = (struct ndpi_flow_struct*)calloc(1, SIZEOF_FLOW_STRUCT);
    ++calls;
    f->proto = ndpi_detection_process_packet(m, f->ndpi, ip, (unsigned short)(iplen > 65535 ? 65535 : iplen), p->ts_ms);
    ++f->packets;
    const int enough = (key.proto == 6 && f->packets >= MAX_TCP_PACKETS) ||
                       (key.proto != 6 && f->packets >= MAX_UDP_PACKETS);
    if (enough || f->proto.app_protocol != NDPI_PROTOCOL_UNKNOWN) {
      if (!enough && ndpi_extra_dissection_possible(m, f->ndpi)) continue; /* e.g. the certificate */
      f->done = 1;
    }
  }
  /* End of capture: give up on the flows still undecided, as ndpiReader does at idle/exit. */
  if (with_ndpi) {
    for (size_t i = 0; i < nflows; ++i) {
      Flow* f = &flows[i];
      if (f->ndpi == NULL) continue;
      if (f->proto.app_protocol == NDPI_PROTOCOL_UNKNOWN && f->proto.master_protocol == NDPI_PROTOCOL_UNKNOWN) {
        uint8_t guessed = 0;
        f->proto = ndpi_detection_giveup(m, f->ndpi, 1, &guessed);
        f->guessed = guessed;
      }
    }
  }
  const double t1 = eval_now_ns();
  eval_table_free(&table);
  *flows_out = flows;
  *nflows_out = nflows;
  *ndpi_calls = calls;
  return t1 - t0;
}

/* nDPI's protocol as a Zeek-style service name where one exists, else nDPI's own name lowercased. */
static void service_label(struct ndpi_detection_module_struct* m, ndpi_protocol p, char* out, size_t n) {
  const uint16_t id = p.master_protocol != NDPI_PROTOCOL_UNKNOWN ? p.master_protocol : p.app_protocol;
  const char* s;
  switch (id) {
    case NDPI_PROTOCOL_UNKNOWN: s = "-"; break;
    case NDPI_PROTOCOL_DNS: s = "dns"; break;
    case NDPI_PROTOCOL_HTTP: s = "http"; break;
    case NDPI_PROTOCOL_TLS: s = "ssl"; break;
    case NDPI_PROTOCOL_SSH: s = "ssh"; break;
    default: s = NULL; break;
  }
  if (s != NULL) {
    snprintf(out, n, "%s", s);
    return;
  }
  snprintf(out, n, "%s", ndpi_get_proto_name(m, id));
  for (char* c = out; *c; ++c)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
}

/* Resident set size in KiB (Linux /proc/self/statm), to size the detection module. */
static long rss_kib(void) {
  long pages = 0, resident = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  if (f == NULL) return 0;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  fclose(f);
  return resident * 4;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ndpi_eval CAPTURE [LABELS.tsv]\n");
    return 2;
  }
  EvalCapture cap;
  if (eval_load(argv[1], &cap) != 0) return 1;
  set_ndpi_malloc(counting_malloc);
  const long rss0 = rss_kib();
  const double init0 = eval_now_ns();
  struct ndpi_detection_module_struct* m = new_module();
  const double init_ms = (eval_now_ns() - init0) / 1e6;
  const long module_kib = rss_kib() - rss0;

  Flow* flows;
  size_t nflows;
  uint64_t calls;
  /* Warm-up, then the best of three of each pass. */
  double base = 1e30, with = 1e30;
  for (int r = 0; r < 3; ++r) {
    double t = run_pass(&cap, 0, m, &flows, &nflows, &calls);
    if (t < base) base = t;
    free(flows);
  }
  uint64_t calls_before = 0, bytes_before = 0;
  for (int r = 0; r < 3; ++r) {
    if (r > 0) {
      /* a fresh module each time: nDPI keeps caches (LRU of hosts, STUN, ...) across flows */
      ndpi_exit_detection_module(m);
      m = new_module();
    }
    calls_before = g_alloc_calls;
    bytes_before = g_alloc_bytes;
    double t = run_pass(&cap, 1, m, &flows, &nflows, &calls);
    if (t < with) with = t;
    if (r < 2) {
      for (size_t i = 0; i < nflows; ++i)
        if (flows[i].ndpi) ndpi_free_flow(flows[i].ndpi);
      free(flows);
    }
  }
  size_t labelled = 0, guessed = 0, tcpudp = 0;
  for (size_t i = 0; i < nflows; ++i) {
    if (flows[i].key.proto != 6 && flows[i].key.proto != 17) continue;
    ++tcpudp;
    if (flows[i].proto.app_protocol != NDPI_PROTOCOL_UNKNOWN || flows[i].proto.master_protocol != NDPI_PROTOCOL_UNKNOWN) {
      if (flows[i].guessed) ++guessed; else ++labelled;
    }
  }
  const double n = (double)cap.count;
  printf("ndpi_eval: nDPI %s (API %u), sizeof(struct ndpi_flow_struct) = %zu bytes\n", ndpi_revision(),
         ndpi_get_api_version(), (size_t)SIZEOF_FLOW_STRUCT);
  printf("detection module: %.1f ms to initialise, %.1f MiB resident\n", init_ms, (double)module_kib / 1024.0);
  printf("packets %zu, flows %zu (TCP/UDP %zu), nDPI calls %llu\n", cap.count, nflows, tcpudp,
         (unsigned long long)calls);
  printf("per flow: the %zu-byte struct (allocated by the caller) + %.2f nDPI allocations, %.0f bytes\n",
         (size_t)SIZEOF_FLOW_STRUCT, (double)(g_alloc_calls - calls_before) / (double)nflows,
         (double)(g_alloc_bytes - bytes_before) / (double)nflows);
  printf("baseline (parse + flow table): %.1f ns/packet\n", base / n);
  printf("with nDPI:                     %.1f ns/packet (%.2f Mpps)\n", with / n, n / with * 1e3);
  printf("nDPI share: %.1f ns/packet over all packets, %.0f ns per nDPI call, %.2f Mpps for detection alone\n",
         (with - base) / n, (with - base) / (double)calls, n / (with - base) * 1e3);
  printf("TCP/UDP flows labelled: %zu by detection, %zu by guess (port/IP), %zu unknown\n", labelled, guessed,
         tcpudp - labelled - guessed);
  if (argc > 2) {
    FILE* out = fopen(argv[2], "w");
    if (out == NULL) {
      perror(argv[2]);
      return 1;
    }
    for (size_t i = 0; i < nflows; ++i) {
      const Flow* f = &flows[i];
      if (f->key.proto != 6 && f->key.proto != 17) continue;
      char key[256], label[64], full[128];
      eval_format_key(&f->key, key, sizeof key);
      service_label(m, f->proto, label, sizeof label);
      ndpi_protocol2name(m, f->proto, full, sizeof full);
      fprintf(out, "%s\t%s\t%s\t%s\n", key, label, f->guessed ? "guess" : "detect", full);
    }
    fclose(out);
  }
  for (size_t i = 0; i < nflows; ++i)
    if (flows[i].ndpi) ndpi_free_flow(flows[i].ndpi);
  free(flows);
  ndpi_exit_detection_module(m);
  return 0;
}
