#include "flow/flow_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <random>
#include <utility>

#include "flow/tcp_tracker.h"

namespace nta {

namespace {

constexpr std::uint32_t kInitialIndexBits = 12;
constexpr std::size_t kFragmentCacheSize = 1024;  // direct-mapped; a power of two

std::uint64_t process_seed() {
  static const std::uint64_t seed = [] {
    std::random_device rd;
    return ((std::uint64_t{rd()} << 32) ^ rd()) | 1u;
  }();
  return seed;
}

std::uint64_t ports_word(std::uint16_t lo, std::uint16_t hi, std::uint16_t vlan,
                         std::uint16_t icmp_id) noexcept {
  return (std::uint64_t{lo} << 48) | (std::uint64_t{hi} << 32) | (std::uint64_t{vlan} << 16) | icmp_id;
}

bool is_ip(const PacketView& p) noexcept {
  return (p.net == NetLayer::kIpv4 || p.net == NetLayer::kIpv6) && !p.src_ip.empty() &&
         p.src_ip.family == p.dst_ip.family;
}

bool later_fragment(const PacketView& p) noexcept {
  return p.is_fragment && !p.is_first_fragment;
}

// Payload of a non-first fragment: its IP payload (assumes no IPv4 options and no IPv6 extension
// header but the fragment header).
std::uint32_t fragment_payload(const PacketView& p) noexcept {
  const std::uint32_t header = p.net == NetLayer::kIpv6 ? 48 : 20;
  return p.ip_len > header ? p.ip_len - header : 0;
}

}  // namespace

struct FlowTable::Tuple {
  const IpAddress* src = nullptr;  // borrowed from the packet (or the key, for find)
  const IpAddress* dst = nullptr;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint16_t vlan = 0;
  std::uint16_t icmp_id = 0;
  std::uint8_t proto = 0;
  bool one_way = false;
  bool no_ports = false;
  // Set by prepare(): the addresses as words, ports and VLAN/echo id as FlowKey lays them out, the
  // index tag.
  std::uint64_t s[2] = {0, 0};
  std::uint64_t d[2] = {0, 0};
  std::uint32_t ports = 0;    // sport | dport << 16
  std::uint32_t vlan_id = 0;  // vlan | icmp_id << 16
  std::uint32_t tag = 0;

  // The hash is symmetric: both directions of a flow hash alike (endpoints in a canonical order).
  void prepare(std::uint64_t seed) noexcept {
    std::memcpy(s, src->bytes.data(), 16);
    std::memcpy(d, dst->bytes.data(), 16);
    ports = std::uint32_t{sport} | (std::uint32_t{dport} << 16);
    vlan_id = std::uint32_t{vlan} | (std::uint32_t{icmp_id} << 16);
    const std::uint64_t family = static_cast<std::uint8_t>(src->family);
    std::uint64_t h;
    if (src->family == IpFamily::kV4) {
      // (address, port) as 48-bit numbers, the smaller first: three words.
      const std::uint64_t a = ((s[0] & 0xffffffffu) << 16) | sport;
      const std::uint64_t b = ((d[0] & 0xffffffffu) << 16) | dport;
      const std::uint64_t w[3] = {std::min(a, b) | (std::uint64_t{vlan} << 48),
                                  std::max(a, b) | (std::uint64_t{icmp_id} << 48), proto | (family << 8)};
      h = hash_words(w, 3, seed);
    } else {
      bool src_first;
      if (s[0] != d[0]) {
        src_first = s[0] < d[0];
      } else if (s[1] != d[1]) {
        src_first = s[1] < d[1];
      } else {
        src_first = sport <= dport;
      }
      std::uint64_t w[6];
      if (src_first) {
        w[0] = s[0], w[1] = s[1], w[2] = d[0], w[3] = d[1];
        w[4] = ports_word(sport, dport, vlan, icmp_id);
      } else {
        w[0] = d[0], w[1] = d[1], w[2] = s[0], w[3] = s[1];
        w[4] = ports_word(dport, sport, vlan, icmp_id);
      }
      w[5] = proto | (family << 8);
      h = hash_words(w, 6, seed);
    }
    tag = static_cast<std::uint32_t>(h >> 32);
  }
};

FlowTable::FlowTable(const FlowConfig& config) : config_(config) {
  static_assert(sizeof(Node) <= 32,
                "kFlowBytesPerFlow and docs/flows.md count 32 bytes of list node per flow");
  if (config_.max_flows == 0) config_.max_flows = 1;
  // Slots are 32-bit (kNil reserved); the index needs 2 entries per flow in a power of two.
  config_.max_flows = std::min<std::size_t>(config_.max_flows, std::size_t{1} << 30);
  timeout_ns_[kTcpAttempt] = config_.tcp_attempt_timeout.count();
  timeout_ns_[kTcpEstablished] = config_.tcp_established_timeout.count();
  timeout_ns_[kTcpClosed] = config_.tcp_closed_timeout.count();
  timeout_ns_[kUdp] = config_.udp_timeout.count();
  timeout_ns_[kIcmp] = config_.icmp_timeout.count();
  timeout_ns_[kOther] = config_.other_timeout.count();
  active_ns_ = config_.active_timeout.count();
  // A flow moves to its list's tail when its last-seen time enters a new bucket: the largest power
  // of two (ns) not above 1/8 of the class's timeout. Expiry stays exact (expire() checks last_ts);
  // list order is then last-seen order to within that granularity.
  for (std::size_t c = 0; c < kClassCount; ++c) {
    const std::int64_t eighth = std::max<std::int64_t>(timeout_ns_[c] / 8, 1);
    bucket_shift_[c] = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(eighth)) - 1);
  }
  // Chunks of up to 8192 records (2 MiB); smaller for small caps.
  chunk_bits_ = std::clamp(static_cast<unsigned>(std::bit_width(config_.max_flows - 1)), 6u, kMaxChunkBits);
  chunk_mask_ = (1u << chunk_bits_) - 1;
  seed_ = config_.hash_seed != 0 ? config_.hash_seed : process_seed();
  head_.fill(kNil);
  tail_.fill(kNil);
}

FlowTable::~FlowTable() = default;

std::size_t FlowTable::memory_bytes() const noexcept {
  return chunks_.size() * (std::size_t{1} << chunk_bits_) * sizeof(FlowRecord) +
         chunks_.capacity() * (sizeof(chunks_[0]) + sizeof(chunk_records_[0])) +
         nodes_.capacity() * sizeof(Node) + index_memory_.size() + free_.capacity() * sizeof(std::uint32_t) +
         fragments_.capacity() * sizeof(FragmentEntry);
}

// ---- index ---------------------------------------------------------------------------------------

std::uint32_t FlowTable::lookup(const Tuple& t, bool& from_orig) const noexcept {
  if (index_ == nullptr) return kNil;
  const std::uint32_t mask = (1u << index_bits_) - 1;
  for (std::uint32_t i = t.tag >> (32 - index_bits_);; i = (i + 1) & mask) {
    const IndexEntry e = index_[i];
    if (e.slot == 0) return kNil;
    if (e.tag != t.tag) continue;
    const FlowKey& k = record(e.slot - 1).key;
    std::uint32_t vlan_id;
    std::memcpy(&vlan_id, &k.vlan, 4);
    if (k.ip_proto != t.proto || vlan_id != t.vlan_id || k.orig_addr.family != t.src->family) continue;
    std::uint64_t o[2];
    std::uint64_t r[2];
    std::uint32_t ports;
    std::memcpy(o, k.orig_addr.bytes.data(), 16);
    std::memcpy(r, k.resp_addr.bytes.data(), 16);
    std::memcpy(&ports, &k.orig_port, 4);
    if (ports == t.ports && ((o[0] ^ t.s[0]) | (o[1] ^ t.s[1]) | (r[0] ^ t.d[0]) | (r[1] ^ t.d[1])) == 0) {
      from_orig = true;
      return e.slot - 1;
    }
    if (ports == std::rotl(t.ports, 16) &&
        ((o[0] ^ t.d[0]) | (o[1] ^ t.d[1]) | (r[0] ^ t.s[0]) | (r[1] ^ t.s[1])) == 0) {
      from_orig = false;
      return e.slot - 1;
    }
  }
}

void FlowTable::index_insert(std::uint32_t tag, std::uint32_t slot) noexcept {
  const std::uint32_t mask = (1u << index_bits_) - 1;
  std::uint32_t i = tag >> (32 - index_bits_);
  while (index_[i].slot != 0) i = (i + 1) & mask;
  index_[i] = IndexEntry{tag, slot + 1};
}

// Linear probing with backward-shift deletion: no tombstones, probe lengths stay short.
void FlowTable::index_erase(std::uint32_t slot) noexcept {
  const std::uint32_t mask = (1u << index_bits_) - 1;
  const std::uint32_t tag = nodes_[slot].tag;
  std::uint32_t i = tag >> (32 - index_bits_);
  while (index_[i].slot != slot + 1) i = (i + 1) & mask;
  std::uint32_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (index_[j].slot == 0) break;
    const std::uint32_t home = index_[j].tag >> (32 - index_bits_);
    // Entry j may stay if its home lies cyclically in (i, j].
    const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    index_[i] = index_[j];
    i = j;
  }
  index_[i] = IndexEntry{};
}

void FlowTable::grow_index() {
  std::uint32_t bits = index_bits_ == 0 ? kInitialIndexBits : index_bits_ + 1;
  // Never larger than the cap needs (two entries per flow).
  const auto cap_bits = static_cast<std::uint32_t>(std::bit_width(2 * config_.max_flows - 1));
  if (index_bits_ == 0) bits = std::min(bits, std::max<std::uint32_t>(cap_bits, 4));
  HugePageBuffer old = std::move(index_memory_);
  const IndexEntry* old_entries = index_;
  const std::size_t old_count = index_ == nullptr ? 0 : std::size_t{1} << index_bits_;
  index_memory_ = HugePageBuffer((std::size_t{1} << bits) * sizeof(IndexEntry));  // zeroed: all empty
  index_ = static_cast<IndexEntry*>(index_memory_.data());
  index_bits_ = bits;
  for (std::size_t i = 0; i < old_count; ++i) {
    if (old_entries[i].slot != 0) index_insert(old_entries[i].tag, old_entries[i].slot - 1);
  }
}

// ---- storage and lists ---------------------------------------------------------------------------

std::uint32_t FlowTable::alloc_slot() {
  if (!free_.empty()) {
    const std::uint32_t s = free_.back();
    free_.pop_back();
    return s;
  }
  const std::size_t used = nodes_.size();
  if (used == chunks_.size() << chunk_bits_) {
    chunks_.emplace_back((std::size_t{1} << chunk_bits_) * sizeof(FlowRecord));
    chunk_records_.push_back(static_cast<FlowRecord*>(chunks_.back().data()));
    // Nodes and the free list grow geometrically (not beyond what the cap needs), so that finish()
    // never allocates and growth costs O(1) per flow.
    const std::size_t need = chunks_.size() << chunk_bits_;
    const std::size_t cap_slots =
        (config_.max_flows + (std::size_t{1} << chunk_bits_) - 1) >> chunk_bits_ << chunk_bits_;
    const std::size_t target = std::max(need, std::min(2 * nodes_.capacity(), cap_slots));
    if (nodes_.capacity() < need) nodes_.reserve(target);
    if (free_.capacity() < need) free_.reserve(target);
  }
  nodes_.emplace_back();
  return static_cast<std::uint32_t>(used);
}

void FlowTable::link_tail(std::uint32_t slot, std::uint8_t cls) noexcept {
  Node& n = nodes_[slot];
  n.moved = clock_;
  n.cls = cls;
  n.next = kNil;
  n.prev = tail_[cls];
  if (tail_[cls] != kNil) {
    nodes_[tail_[cls]].next = slot;
  } else {
    head_[cls] = slot;
  }
  tail_[cls] = slot;
}

void FlowTable::unlink(std::uint32_t slot) noexcept {
  Node& n = nodes_[slot];
  if (n.prev != kNil) {
    nodes_[n.prev].next = n.next;
  } else {
    head_[n.cls] = n.next;
  }
  if (n.next != kNil) {
    nodes_[n.next].prev = n.prev;
  } else {
    tail_[n.cls] = n.prev;
  }
  n.prev = n.next = kNil;
}

std::uint8_t FlowTable::classify(const FlowRecord& r) const noexcept {
  const std::uint8_t proto = r.key.ip_proto;
  if (proto == ipproto::kTcp) {
    if ((r.flags & FlowRecord::kFlagNoPorts) != 0) return kOther;
    if (tcp_is_closed(r)) return kTcpClosed;
    return tcp_is_attempt(r) ? kTcpAttempt : kTcpEstablished;
  }
  if (proto == ipproto::kUdp) return kUdp;
  if (proto == ipproto::kIcmp || proto == ipproto::kIcmpv6) return kIcmp;
  return kOther;
}

// Keeps the flow's list position current after a packet: a new timeout class moves it to the new
// class's list; otherwise it moves to the tail only when its last-seen time entered a new bucket
// (`previous_last` is last_ts before the packet). Most packets return without touching a node.
void FlowTable::touch(std::uint32_t slot, std::int64_t previous_last) noexcept {
  FlowRecord& r = record(slot);
  const std::uint8_t cls = classify(r);
  const auto current = static_cast<std::uint8_t>(r.flags >> kClassShift);
  if (cls == current) {
    const unsigned shift = bucket_shift_[cls];
    if ((r.last_ts.ns >> shift) == (previous_last >> shift)) return;
    if (tail_[cls] == slot) {
      nodes_[slot].moved = clock_;
      return;
    }
    unlink(slot);
  } else if (current != kClassCount) {
    unlink(slot);
  }
  r.flags = static_cast<std::uint8_t>((r.flags & ((1u << kClassShift) - 1)) | (unsigned{cls} << kClassShift));
  nodes_[slot].moved = clock_;
  link_tail(slot, cls);
}

// The least recently seen flow: among the first few flows of each list (the lists are in last-seen
// order to within their bucket granularity), the one with the oldest last_ts; ties by age.
std::uint32_t FlowTable::least_recently_seen() const noexcept {
  constexpr int kLook = 8;
  std::uint32_t victim = kNil;
  for (std::size_t c = 0; c < kClassCount; ++c) {
    int looked = 0;
    for (std::uint32_t s = head_[c]; s != kNil && looked < kLook; s = nodes_[s].next, ++looked) {
      if (victim == kNil) {
        victim = s;
        continue;
      }
      const std::int64_t a = record(s).last_ts.ns;
      const std::int64_t b = record(victim).last_ts.ns;
      if (a < b || (a == b && nodes_[s].serial < nodes_[victim].serial)) victim = s;
    }
  }
  return victim;
}

// ---- emission ------------------------------------------------------------------------------------

void FlowTable::prepare_emit(FlowRecord& r, FlowEndReason reason) const noexcept {
  r.end_reason = reason;
  r.flags = static_cast<std::uint8_t>(r.flags & ((1u << kClassShift) - 1));  // the class bits are internal
  r.conn_state = compute_conn_state(r);
  if (config_.community_id) {
    r.community_id.fill('\0');
    (void)write_community_id(community_id_tuple(r.key, r.icmp_one_way()), config_.community_id_options,
                             r.community_id);
  }
}

void FlowTable::finish(std::uint32_t slot, FlowEndReason reason, FlowSink sink) {
  FlowRecord& r = record(slot);
  prepare_emit(r, reason);
  switch (reason) {
    case FlowEndReason::kTimeout:
      ++counters_.flows_timed_out;
      break;
    case FlowEndReason::kClosed:
      ++counters_.flows_closed;
      break;
    case FlowEndReason::kEvicted:
      ++counters_.flows_evicted;
      break;
    case FlowEndReason::kEndOfInput:
      ++counters_.flows_flushed;
      break;
    case FlowEndReason::kActive:
    case FlowEndReason::kInterim:
      break;
  }
  sink(r);
  index_erase(slot);
  unlink(slot);
  nodes_[slot].cls = kClassCount;
  free_.push_back(slot);
  --size_;
}

// The active timeout has passed (again): a snapshot of the flow, numbered by the active periods
// elapsed since its first packet.
void FlowTable::emit_interim(std::uint32_t slot, FlowSink sink) {
  FlowRecord& r = record(slot);
  const std::int64_t periods = (clock_ - r.first_ts.ns) / active_ns_;
  r.interim_count = static_cast<std::uint16_t>(std::min<std::int64_t>(periods, UINT16_MAX));
  FlowRecord snapshot = r;
  prepare_emit(snapshot, FlowEndReason::kInterim);
  ++counters_.interim_records;
  sink(snapshot);
}

// For each list, walks from the head while the flows there moved to the list at least a timeout
// ago; those whose last packet is a timeout old are due. Flows seen since they last moved (by less
// than the bucket granularity) are passed over and looked at again on a later call. Due flows are
// emitted in deadline order (ties: creation order).
std::size_t FlowTable::expire(Timestamp now, FlowSink sink) {
  due_.clear();
  for (std::size_t c = 0; c < kClassCount; ++c) {
    const std::int64_t timeout = timeout_ns_[c];
    for (std::uint32_t s = head_[c]; s != kNil; s = nodes_[s].next) {
      if (nodes_[s].moved > now.ns - timeout) break;
      const std::int64_t d = record(s).last_ts.ns + timeout;
      if (d <= now.ns) due_.emplace_back(d, s);
    }
  }
  if (due_.empty()) return 0;
  std::sort(due_.begin(), due_.end(), [this](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : nodes_[a.second].serial < nodes_[b.second].serial;
  });
  for (const auto& [d, s] : due_) {
    finish(s, nodes_[s].cls == kTcpClosed ? FlowEndReason::kClosed : FlowEndReason::kTimeout, sink);
  }
  return due_.size();
}

// The table is full: end what is due, else evict the least recently seen flow.
void FlowTable::make_room(FlowSink sink) {
  expire(Timestamp{clock_}, sink);
  if (size_ < config_.max_flows) return;
  const std::uint32_t victim = least_recently_seen();
  if (victim != kNil) finish(victim, FlowEndReason::kEvicted, sink);
}

std::size_t FlowTable::flush(FlowSink sink) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> live;
  live.reserve(size_);
  for (std::size_t c = 0; c < kClassCount; ++c) {
    for (std::uint32_t s = head_[c]; s != kNil; s = nodes_[s].next) live.emplace_back(nodes_[s].serial, s);
  }
  std::sort(live.begin(), live.end());
  for (const auto& [serial, slot] : live) finish(slot, FlowEndReason::kEndOfInput, sink);
  return live.size();
}

// ---- packets -------------------------------------------------------------------------------------

void FlowTable::apply(std::uint32_t slot, bool from_orig, const PacketView& p) noexcept {
  FlowRecord& r = record(slot);
  FlowEndpoint& ep = from_orig ? r.orig : r.resp;
  ++ep.packets;
  ep.ip_bytes += p.ip_len;
  const std::int64_t previous_last = r.last_ts.ns;
  if (p.ts > r.last_ts) r.last_ts = p.ts;
  if (later_fragment(p)) {
    if (r.key.ip_proto != ipproto::kTcp) ep.payload_bytes += fragment_payload(p);
  } else if (r.key.ip_proto == ipproto::kTcp && p.has_ports) {
    track_tcp(r, from_orig, p.tcp, p.l4_payload_len);
  } else {
    ep.payload_bytes += p.l4_payload_len;
    if (r.key.ip_proto == ipproto::kUdp && p.has_ports) record_history(r, from_orig, history::kData);
  }
  touch(slot, previous_last);
}

FlowUpdate FlowTable::update(const PacketView& p, FlowSink sink) {
  ++counters_.packets;
  if (p.ts.ns > clock_) clock_ = p.ts.ns;
  if (!is_ip(p)) [[unlikely]] {
    ++counters_.packets_not_in_flows;
    return {};
  }
  if (later_fragment(p)) [[unlikely]]
    return update_fragment(p, sink);

  Tuple t;
  t.src = &p.src_ip;
  t.dst = &p.dst_ip;
  t.proto = p.ip_proto;
  t.vlan = p.vlan_count > 0 ? p.vlan_ids[0] : 0;
  if (p.ip_proto == ipproto::kIcmp || p.ip_proto == ipproto::kIcmpv6) {
    if (p.has_l4) {
      const IcmpPorts ports = icmp_port_equivalents(p.ip_proto, p.icmp.type, p.icmp.code);
      t.sport = ports.src;
      t.dport = ports.dst;
      t.one_way = ports.one_way;
      if (config_.split_icmp_echo_by_id && is_icmp_echo(p.ip_proto, p.icmp.type)) t.icmp_id = p.icmp.id;
    } else {
      t.no_ports = true;
    }
  } else if (p.has_ports) {
    t.sport = p.src_port;
    t.dport = p.dst_port;
  } else {
    t.no_ports = true;
  }
  return update_tuple(t, p, sink);
}

FlowUpdate FlowTable::update_tuple(Tuple& t, const PacketView& p, FlowSink sink) {
  t.prepare(seed_);
  bool from_orig = true;
  const std::uint32_t slot = lookup(t, from_orig);
  if (slot == kNil) [[unlikely]]
    return create(t, p, sink);

  // A new SYN on ports whose connection has closed starts a new connection (port reuse).
  if (t.proto == ipproto::kTcp && p.has_ports &&
      (p.tcp.flags & (tcpflag::kSyn | tcpflag::kAck | tcpflag::kRst)) == tcpflag::kSyn &&
      (record(slot).flags >> kClassShift) == kTcpClosed) {
    finish(slot, FlowEndReason::kClosed, sink);
    return create(t, p, sink);
  }
  FlowRecord& r = record(slot);
  if (active_ns_ > 0 && clock_ - r.first_ts.ns >= (r.interim_count + 1) * active_ns_) [[unlikely]] {
    emit_interim(slot, sink);
  }
  apply(slot, from_orig, p);
  if (p.is_first_fragment) [[unlikely]]
    remember_fragment(p, slot);
  return FlowUpdate{&r, from_orig, false};
}

FlowUpdate FlowTable::create(const Tuple& t, const PacketView& p, FlowSink sink) {
  if (size_ >= config_.max_flows) make_room(sink);
  if (index_ == nullptr || (size_ + 1) * 2 > (std::size_t{1} << index_bits_)) grow_index();
  const std::uint32_t slot = alloc_slot();
  FlowRecord& r = *new (&record(slot)) FlowRecord{};  // the chunk holds raw memory until first use
  // The originator sends the first packet, unless that packet is a SYN-ACK: then the SYN was missed
  // and its receiver is the originator (Zeek's '^' flip).
  const bool flipped = t.proto == ipproto::kTcp && p.has_ports &&
                       (p.tcp.flags & (tcpflag::kSyn | tcpflag::kAck)) == (tcpflag::kSyn | tcpflag::kAck);
  r.key.orig_addr = flipped ? *t.dst : *t.src;
  r.key.resp_addr = flipped ? *t.src : *t.dst;
  r.key.orig_port = flipped ? t.dport : t.sport;
  r.key.resp_port = flipped ? t.sport : t.dport;
  r.key.vlan = t.vlan;
  r.key.icmp_id = t.icmp_id;
  r.key.ip_proto = t.proto;
  r.first_ts = p.ts;
  r.last_ts = p.ts;
  if (flipped) {
    r.flags |= FlowRecord::kFlagFlipped;
    r.history[r.history_len++] = '^';
  }
  if (t.one_way) r.flags |= FlowRecord::kFlagIcmpOneWay;
  if (t.no_ports) r.flags |= FlowRecord::kFlagNoPorts;
  r.uid = make_flow_uid(r.key, p.ts);

  r.flags = static_cast<std::uint8_t>(r.flags | (kClassCount << kClassShift));  // not in a list yet
  Node& n = nodes_[slot];
  n.serial = next_serial_++;
  n.tag = t.tag;
  n.cls = kClassCount;
  n.prev = n.next = kNil;
  index_insert(t.tag, slot);
  ++size_;
  ++counters_.flows_created;
  apply(slot, !flipped, p);
  if (p.is_first_fragment) remember_fragment(p, slot);
  return FlowUpdate{&r, !flipped, true};
}

std::uint64_t FlowTable::fragment_hash(const PacketView& p) const noexcept {
  std::uint64_t w[5];
  std::memcpy(&w[0], p.src_ip.bytes.data(), 16);
  std::memcpy(&w[2], p.dst_ip.bytes.data(), 16);
  const std::uint16_t vlan = p.vlan_count > 0 ? p.vlan_ids[0] : 0;
  w[4] = std::uint64_t{p.ip_proto} | (std::uint64_t{p.ip_id} << 8) | (std::uint64_t{vlan} << 24) |
         (std::uint64_t{static_cast<std::uint8_t>(p.src_ip.family)} << 40);
  // A fixed salt, not the table's random seed: the cache is direct-mapped, so which datagrams
  // collide decides which fragments join their flow, and output must not vary between runs.
  return hash_words(w, 5, 0x6e74612d66726167ULL);
}

// A first fragment: later fragments of the datagram (same addresses, protocol and IP id) join its flow.
void FlowTable::remember_fragment(const PacketView& p, std::uint32_t slot) {
  if (fragments_.empty()) fragments_.resize(kFragmentCacheSize);
  const std::uint64_t h = fragment_hash(p);
  fragments_[h & (kFragmentCacheSize - 1)] = FragmentEntry{h, nodes_[slot].serial, slot};
}

// A non-first fragment carries no transport header. It joins the flow of its first fragment when
// that was seen recently; otherwise it counts in a flow keyed by addresses and protocol, ports 0.
FlowUpdate FlowTable::update_fragment(const PacketView& p, FlowSink sink) {
  if (!fragments_.empty()) {
    const std::uint64_t h = fragment_hash(p);
    const FragmentEntry& e = fragments_[h & (kFragmentCacheSize - 1)];
    if (e.hash == h && e.slot != kNil && nodes_[e.slot].cls != kClassCount &&
        nodes_[e.slot].serial == e.serial) {
      const std::uint32_t slot = e.slot;
      const bool from_orig = same_address(record(slot).key.orig_addr, p.src_ip);
      ++counters_.fragments_joined;
      const FlowRecord& r = record(slot);
      if (active_ns_ > 0 && clock_ - r.first_ts.ns >= (r.interim_count + 1) * active_ns_)
        emit_interim(slot, sink);
      apply(slot, from_orig, p);
      return FlowUpdate{&record(slot), from_orig, false};
    }
  }
  ++counters_.fragments_unjoined;
  Tuple t;
  t.src = &p.src_ip;
  t.dst = &p.dst_ip;
  t.proto = p.ip_proto;
  t.vlan = p.vlan_count > 0 ? p.vlan_ids[0] : 0;
  t.no_ports = true;
  return update_tuple(t, p, sink);
}

const FlowRecord* FlowTable::find(const FlowKey& key) const noexcept {
  Tuple t;
  t.src = &key.orig_addr;
  t.dst = &key.resp_addr;
  t.sport = key.orig_port;
  t.dport = key.resp_port;
  t.vlan = key.vlan;
  t.icmp_id = key.icmp_id;
  t.proto = key.ip_proto;
  t.prepare(seed_);
  bool from_orig = true;
  const std::uint32_t slot = lookup(t, from_orig);
  return slot == kNil ? nullptr : &record(slot);
}

}  // namespace nta
