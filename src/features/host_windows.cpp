#include "features/host_windows.h"

#include <algorithm>
#include <random>

namespace nta {
namespace {

// Distinct-destination hashes use a fixed seed: they decide counts, which must not vary by run.
constexpr std::uint64_t kDestinationSeed = 0x6e74612d686f7374ULL;

template <class E>
std::int64_t newest(const std::vector<E>& items, std::int64_t t) noexcept {
  return !items.empty() && items.back().ns > t ? items.back().ns : t;
}

std::size_t count_distinct(std::vector<std::uint64_t>& v) {
  std::sort(v.begin(), v.end());
  return static_cast<std::size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

std::uint32_t saturate32(std::uint64_t v) noexcept {
  return v > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(v);
}

}  // namespace

template <class E>
void HostWindows::Queue<E>::push(const E& e) {
  if (head != 0 && (items.size() == items.capacity() || head * 2 >= items.size())) {
    items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
  }
  items.push_back(e);
}

HostWindows::HostWindows(const HostWindowConfig& config) : config_(config) {
  if (config_.max_hosts == 0) config_.max_hosts = 1;
  if (config_.max_events == 0) config_.max_events = 1;
  if (config_.window_ns <= 0) config_.window_ns = 1;
  seed_ = (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
}

std::uint32_t HostWindows::find(const IpAddress& a, std::uint64_t h) const noexcept {
  if (index_.empty()) return kNil;
  for (std::size_t i = h & index_mask_;; i = (i + 1) & index_mask_) {
    const std::uint32_t slot = index_[i];
    if (slot == kNil) return kNil;
    if (hosts_[slot].hash == h && hosts_[slot].addr == a) return slot;
  }
}

void HostWindows::index_insert(std::uint64_t h, std::uint32_t slot) noexcept {
  std::size_t i = h & index_mask_;
  while (index_[i] != kNil) i = (i + 1) & index_mask_;
  index_[i] = slot;
}

// Backward-shift deletion keeps every entry reachable from its home bucket without tombstones.
void HostWindows::index_erase(std::uint32_t slot) noexcept {
  std::size_t i = hosts_[slot].hash & index_mask_;
  while (index_[i] != slot) i = (i + 1) & index_mask_;
  std::size_t j = i;
  for (;;) {
    j = (j + 1) & index_mask_;
    if (index_[j] == kNil) break;
    const std::size_t home = hosts_[index_[j]].hash & index_mask_;
    // Move entry j into the hole at i unless its home lies cyclically in (i, j].
    const bool home_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!home_between) {
      index_[i] = index_[j];
      i = j;
    }
  }
  index_[i] = kNil;
}

void HostWindows::grow_index() {
  const std::size_t size = index_.empty() ? 64 : index_.size() * 2;
  index_.assign(size, kNil);
  index_mask_ = size - 1;
  for (std::uint32_t s = 0; s < hosts_.size(); ++s) index_insert(hosts_[s].hash, s);
}

void HostWindows::unlink(std::uint32_t slot) noexcept {
  Host& h = hosts_[slot];
  if (h.prev != kNil) hosts_[h.prev].next = h.next; else lru_head_ = h.next;
  if (h.next != kNil) hosts_[h.next].prev = h.prev; else lru_tail_ = h.prev;
  h.prev = h.next = kNil;
}

void HostWindows::link_tail(std::uint32_t slot) noexcept {
  Host& h = hosts_[slot];
  h.prev = lru_tail_;
  h.next = kNil;
  if (lru_tail_ != kNil) hosts_[lru_tail_].next = slot; else lru_head_ = slot;
  lru_tail_ = slot;
}

void HostWindows::touch(std::uint32_t slot) noexcept {
  if (lru_tail_ == slot) return;
  unlink(slot);
  link_tail(slot);
}

HostWindows::Host& HostWindows::get_or_add(const IpAddress& a) {
  const std::uint64_t h = hash_ip(a, seed_);
  std::uint32_t slot = find(a, h);
  if (slot != kNil) {
    touch(slot);
    return hosts_[slot];
  }
  if (hosts_.size() >= config_.max_hosts) {
    slot = lru_head_;
    index_erase(slot);
    unlink(slot);
    Host& victim = hosts_[slot];
    victim.starts.clear();
    victim.ends.clear();
    victim.start_overflow = 0;
    victim.start_overflow_ns = 0;
    victim.end_overflow = {};
    victim.end_overflow_ns = 0;
    ++counters_.hosts_evicted;
  } else {
    if ((hosts_.size() + 1) * 2 > index_.size()) grow_index();
    slot = static_cast<std::uint32_t>(hosts_.size());
    hosts_.emplace_back();
  }
  Host& host = hosts_[slot];
  host.addr = a;
  host.hash = h;
  index_insert(h, slot);
  link_tail(slot);
  return host;
}

void HostWindows::expire(Host& host, std::int64_t now_ns) const noexcept {
  const std::int64_t cutoff = now_ns - config_.window_ns;
  while (host.starts.size() != 0 && host.starts.items[host.starts.head].ns <= cutoff) host.starts.pop();
  while (host.ends.size() != 0 && host.ends.items[host.ends.head].ns <= cutoff) host.ends.pop();
  if (host.start_overflow != 0 && host.start_overflow_ns <= cutoff) host.start_overflow = 0;
  if (host.end_overflow.count != 0 && host.end_overflow_ns <= cutoff) host.end_overflow = {};
}

void HostWindows::on_start(Timestamp t, const IpAddress& orig, const IpAddress& resp, std::uint32_t port_key,
                           bool has_port) {
  Host& host = get_or_add(orig);
  // Events stay in time order even if the capture's timestamps go backwards.
  const std::int64_t ns = newest(host.starts.items, t.ns);
  expire(host, ns);
  if (host.starts.size() >= config_.max_events) {
    ++host.start_overflow;
    host.start_overflow_ns = host.starts.items[host.starts.head].ns;
    host.starts.pop();
    ++counters_.events_folded;
  }
  host.starts.push(Start{ns, hash_ip(resp, kDestinationSeed), has_port ? port_key + 1 : 0});
}

void HostWindows::on_end(Timestamp t, const IpAddress& orig, const FlowOutcome& outcome) {
  Host& host = get_or_add(orig);
  const std::int64_t ns = newest(host.ends.items, t.ns);
  expire(host, ns);
  if (host.ends.size() >= config_.max_events) {
    const End& old = host.ends.items[host.ends.head];
    EndTotals& o = host.end_overflow;
    ++o.count;
    o.failed += old.failed;
    o.syn_only += old.syn_only;
    o.bytes_out += old.bytes_out;
    o.bytes_in += old.bytes_in;
    host.end_overflow_ns = old.ns;
    host.ends.pop();
    ++counters_.events_folded;
  }
  host.ends.push(End{ns, saturate32(outcome.bytes_out), saturate32(outcome.bytes_in),
                     static_cast<std::uint8_t>(outcome.failed), static_cast<std::uint8_t>(outcome.syn_only)});
}

HostWindowSnapshot HostWindows::snapshot(const IpAddress& host_addr, Timestamp now) {
  HostWindowSnapshot s;
  s.window_seconds = static_cast<double>(config_.window_ns) / 1e9;
  const std::uint32_t slot = find(host_addr, hash_ip(host_addr, seed_));
  if (slot == kNil) return s;
  touch(slot);
  Host& host = hosts_[slot];
  expire(host, now.ns);

  s.starts = host.start_overflow + host.starts.size();
  scratch_.clear();
  for (std::size_t i = host.starts.head; i < host.starts.items.size(); ++i) scratch_.push_back(host.starts.items[i].dst_hash);
  s.dst_hosts = static_cast<std::uint32_t>(count_distinct(scratch_));
  scratch_.clear();
  for (std::size_t i = host.starts.head; i < host.starts.items.size(); ++i) {
    if (host.starts.items[i].port_key != 0) scratch_.push_back(host.starts.items[i].port_key);
  }
  s.dst_ports = static_cast<std::uint32_t>(count_distinct(scratch_));

  const EndTotals& o = host.end_overflow;
  s.ends = o.count;
  s.failed = o.failed;
  s.syn_only = o.syn_only;
  s.bytes_out = o.bytes_out;
  s.bytes_in = o.bytes_in;
  for (std::size_t i = host.ends.head; i < host.ends.items.size(); ++i) {
    const End& e = host.ends.items[i];
    ++s.ends;
    s.failed += e.failed;
    s.syn_only += e.syn_only;
    s.bytes_out += e.bytes_out;
    s.bytes_in += e.bytes_in;
  }
  return s;
}

std::size_t HostWindows::memory_bytes() const noexcept {
  std::size_t bytes = hosts_.capacity() * sizeof(Host) + index_.capacity() * sizeof(std::uint32_t) +
                      scratch_.capacity() * sizeof(std::uint64_t);
  for (const Host& h : hosts_) {
    bytes += h.starts.items.capacity() * sizeof(Start) + h.ends.items.capacity() * sizeof(End);
  }
  return bytes;
}

}  // namespace nta
