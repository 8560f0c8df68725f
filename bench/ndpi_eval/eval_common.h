/* Shared by the two evaluation drivers: a capture loaded into memory, a minimal 5-tuple flow table
 * (open addressing, canonical bidirectional key), a monotonic clock. C and C++. Not part of nta. */
#ifndef NTA_NDPI_EVAL_COMMON_H
#define NTA_NDPI_EVAL_COMMON_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  uint64_t ts_ms;
  uint32_t caplen;
  uint32_t wire_len;
  const uint8_t* data;
} EvalPacket;

typedef struct {
  int linktype;
  size_t count;
  EvalPacket* packets;
  uint8_t* arena;
} EvalCapture;

/* Reads every record of `path` into one arena (so the timed passes see no I/O). */
static int eval_load(const char* path, EvalCapture* cap) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path, err);
  if (p == NULL) {
    fprintf(stderr, "cannot open '%s': %s\n", path, err);
    return -1;
  }
  FILE* f = fopen(path, "rb");
  long file_size = 0;
  if (f != NULL) {
    fseek(f, 0, SEEK_END);
    file_size = ftell(f);
    fclose(f);
  }
  size_t arena_cap = (size_t)file_size + 65536, used = 0, cap_packets = 1024;
  cap->arena = (uint8_t*)malloc(arena_cap);
  cap->packets = (EvalPacket*)malloc(cap_packets * sizeof(EvalPacket));
  cap->count = 0;
  cap->linktype = pcap_datalink(p);
  struct pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(p, &h, &d) == 1) {
    if (used + h->caplen > arena_cap) break; /* cannot happen: records are smaller than the file */
    if (cap->count == cap_packets) {
      cap_packets *= 2;
      cap->packets = (EvalPacket*)realloc(cap->packets, cap_packets * sizeof(EvalPacket));
    }
    memcpy(cap->arena + used, d, h->caplen);
    EvalPacket* e = &cap->packets[cap->count++];
    e->ts_ms = (uint64_t)h->ts.tv_sec * 1000u + (uint64_t)h->ts.tv_usec / 1000u;
    e->caplen = h->caplen;
    e->wire_len = h->len;
    e->data = cap->arena + used;
    used += h->caplen;
  }
  pcap_close(p);
  return 0;
}

/* A canonical bidirectional 5-tuple: the smaller (address, port) endpoint first. */
typedef struct {
  uint8_t lo_ip[16];
  uint8_t hi_ip[16];
  uint16_t lo_port;
  uint16_t hi_port;
  uint8_t proto;
  uint8_t family; /* 4 or 6 */
  uint8_t pad[2];
} EvalKey;

static int eval_endpoint_cmp(const uint8_t* a_ip, uint16_t a_port, const uint8_t* b_ip, uint16_t b_port) {
  int c = memcmp(a_ip, b_ip, 16);
  if (c != 0) return c;
  return (int)a_port - (int)b_port;
}

/* Builds the key; returns 1 when (src_ip, src_port) is the `lo` endpoint. */
static int eval_make_key(EvalKey* k, uint8_t family, uint8_t proto, const uint8_t* src_ip, uint16_t sport,
                         const uint8_t* dst_ip, uint16_t dport) {
  memset(k, 0, sizeof *k);
  k->proto = proto;
  k->family = family;
  int src_lo = eval_endpoint_cmp(src_ip, sport, dst_ip, dport) <= 0;
  memcpy(k->lo_ip, src_lo ? src_ip : dst_ip, 16);
  memcpy(k->hi_ip, src_lo ? dst_ip : src_ip, 16);
  k->lo_port = src_lo ? sport : dport;
  k->hi_port = src_lo ? dport : sport;
  return src_lo;
}

static uint64_t eval_hash(const EvalKey* k) {
  const uint8_t* p = (const uint8_t*)k;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < sizeof *k; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

/* Open addressing from key to a flow index (the caller's array); grows at 50 % load. */
typedef struct {
  EvalKey* keys;
  uint32_t* values; /* flow index + 1; 0 = empty slot */
  size_t mask;
  size_t used;
} EvalTable;

static void eval_table_init(EvalTable* t, size_t slots_pow2) {
  t->keys = (EvalKey*)calloc(slots_pow2, sizeof(EvalKey));
  t->values = (uint32_t*)calloc(slots_pow2, sizeof(uint32_t));
  t->mask = slots_pow2 - 1;
  t->used = 0;
}

static void eval_table_free(EvalTable* t) {
  free(t->keys);
  free(t->values);
}

static void eval_table_insert_raw(EvalTable* t, const EvalKey* k, uint32_t value) {
  size_t i = eval_hash(k) & t->mask;
  while (t->values[i] != 0) i = (i + 1) & t->mask;
  t->keys[i] = *k;
  t->values[i] = value;
  ++t->used;
}

/* Returns the flow index for `k`, inserting `next_index` when absent (*added set to 1). */
static uint32_t eval_table_find_or_add(EvalTable* t, const EvalKey* k, uint32_t next_index, int* added) {
  if (2 * (t->used + 1) > t->mask + 1) {
    EvalTable bigger;
    eval_table_init(&bigger, 2 * (t->mask + 1));
    for (size_t i = 0; i <= t->mask; ++i)
      if (t->values[i] != 0) eval_table_insert_raw(&bigger, &t->keys[i], t->values[i]);
    eval_table_free(t);
    *t = bigger;
  }
  size_t i = eval_hash(k) & t->mask;
  while (t->values[i] != 0) {
    if (memcmp(&t->keys[i], k, sizeof *k) == 0) {
      *added = 0;
      return t->values[i] - 1;
    }
    i = (i + 1) & t->mask;
  }
  t->keys[i] = *k;
  t->values[i] = next_index + 1;
  ++t->used;
  *added = 1;
  return next_index;
}

static double eval_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* "proto lo_ip lo_port hi_ip hi_port" as text, for the label files. */
static void eval_format_key(const EvalKey* k, char* out, size_t n) {
  char a[64], b[64];
  if (k->family == 4) {
    snprintf(a, sizeof a, "%u.%u.%u.%u", k->lo_ip[0], k->lo_ip[1], k->lo_ip[2], k->lo_ip[3]);
    snprintf(b, sizeof b, "%u.%u.%u.%u", k->hi_ip[0], k->hi_ip[1], k->hi_ip[2], k->hi_ip[3]);
  } else {
    char* pa = a;
    char* pb = b;
    for (int i = 0; i < 16; i += 2) {
      pa += sprintf(pa, "%s%02x%02x", i ? ":" : "", k->lo_ip[i], k->lo_ip[i + 1]);
      pb += sprintf(pb, "%s%02x%02x", i ? ":" : "", k->hi_ip[i], k->hi_ip[i + 1]);
    }
  }
  snprintf(out, n, "%u\t%s\t%u\t%s\t%u", k->proto, a, k->lo_port, b, k->hi_port);
}

#endif
