#pragma once
// Per-source-host sliding windows on packet time: what each originator did in the last W seconds.
// Two event kinds per host: a connection *start* (fed when a flow is created: its responder address
// and port) and a connection *end* (fed when its final record is emitted: failed or not, SYN-only or
// not, bytes each way). A snapshot for one host counts the events of the window (t - W, t].
//
// Memory is bounded. At most `max_hosts` hosts are tracked; a new host past that evicts the least
// recently seen one (its history is lost: it starts again from nothing). Each host keeps at most
// `max_events` starts and `max_events` ends; past that the oldest event is folded into a per-kind
// overflow aggregate, whose counts stay in the window until the newest event folded into it leaves
// (so they may linger up to the span the folded events covered). Distinct counts (destination hosts
// and ports) see only the kept starts: a host with more than `max_events` starts in a window has
// its distinct counts taken over its newest `max_events` connections. Event storage grows per host
// as needed, so a quiet host costs little. docs/features.md states the same.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"

namespace nta {

struct HostWindowConfig {
  std::int64_t window_ns = 60'000'000'000;  // W
  std::uint32_t max_hosts = 65'536;
  std::uint32_t max_events = 32;  // per host and event kind
};

// What one connection's end contributes.
struct FlowOutcome {
  bool failed = false;    // never established, or reset (docs/features.md lists the states)
  bool syn_only = false;  // TCP; the originator sent only SYNs and the responder nothing
  std::uint64_t bytes_out = 0;  // originator's IP bytes
  std::uint64_t bytes_in = 0;   // responder's IP bytes
};

struct HostWindowSnapshot {
  std::uint32_t dst_hosts = 0;    // distinct responder addresses among the kept starts
  std::uint32_t dst_ports = 0;    // distinct (protocol, port) among the kept starts that have ports
  std::uint64_t starts = 0;       // connections started in the window (overflow included)
  std::uint64_t ends = 0;         // connections ended in the window (overflow included)
  std::uint64_t failed = 0;       // ... of which failed
  std::uint64_t syn_only = 0;     // ... of which SYN-only
  std::uint64_t bytes_out = 0;    // IP bytes sent by the host in the connections that ended
  std::uint64_t bytes_in = 0;     // IP bytes received back
  double window_seconds = 0;      // W
};

struct HostWindowCounters {
  std::uint64_t hosts_evicted = 0;   // hosts dropped to make room (their history lost)
  std::uint64_t events_folded = 0;   // events moved into an overflow aggregate
};

class HostWindows {
 public:
  explicit HostWindows(const HostWindowConfig& config = {});

  // A connection from `orig` to `resp` started at `t`. `port_key` identifies the destination port
  // as (protocol << 16 | port); has_port is false for flows without ports (ICMP, other protocols).
  void on_start(Timestamp t, const IpAddress& orig, const IpAddress& resp, std::uint32_t port_key, bool has_port);
  // A connection from `orig` ended at `t`.
  void on_end(Timestamp t, const IpAddress& orig, const FlowOutcome& outcome);
  // The window of `host` ending at `now` (events at or before now - W are dropped first). A host
  // never seen (or evicted) gives an empty snapshot.
  [[nodiscard]] HostWindowSnapshot snapshot(const IpAddress& host, Timestamp now);

  [[nodiscard]] std::size_t hosts() const noexcept { return hosts_.size(); }
  [[nodiscard]] const HostWindowCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const HostWindowConfig& config() const noexcept { return config_; }
  // Bytes held by the event storage and the index (not counting allocator overhead).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  static constexpr std::uint32_t kNil = 0xffffffffu;

  struct Start {
    std::int64_t ns = 0;
    std::uint64_t dst_hash = 0;  // fixed-seed hash of the responder address
    std::uint32_t port_key = 0;  // (protocol << 16 | port) + 1; 0 = no port
  };
  struct End {
    std::int64_t ns = 0;
    std::uint32_t bytes_out = 0;  // saturating at 2^32 - 1 (a ratio feature: the top of the range is enough)
    std::uint32_t bytes_in = 0;
    std::uint8_t failed = 0;
    std::uint8_t syn_only = 0;
  };
  struct EndTotals {
    std::uint64_t count = 0, failed = 0, syn_only = 0, bytes_out = 0, bytes_in = 0;
  };
  // Events in time order in [head, size()) of a vector. The dead prefix is dropped before the vector
  // would grow and whenever it outgrows the live part, so the capacity never passes max_events
  // rounded up to a power of two.
  template <class E>
  struct Queue {
    std::vector<E> items;
    std::size_t head = 0;
    [[nodiscard]] std::size_t size() const noexcept { return items.size() - head; }
    void pop() noexcept { ++head; }
    void push(const E& e);
    void clear() noexcept {
      items.clear();
      head = 0;
    }
  };
  struct Host {
    IpAddress addr;
    std::uint32_t prev = kNil;  // least recently seen list
    std::uint32_t next = kNil;
    std::uint64_t hash = 0;  // of addr, with the index's seed
    Queue<Start> starts;
    Queue<End> ends;
    std::uint64_t start_overflow = 0;  // starts folded away
    std::int64_t start_overflow_ns = 0;  // newest of them
    EndTotals end_overflow;
    std::int64_t end_overflow_ns = 0;
  };

  [[nodiscard]] std::uint32_t find(const IpAddress& a, std::uint64_t h) const noexcept;
  Host& get_or_add(const IpAddress& a);
  void expire(Host& host, std::int64_t now_ns) const noexcept;
  void touch(std::uint32_t slot) noexcept;
  void unlink(std::uint32_t slot) noexcept;
  void link_tail(std::uint32_t slot) noexcept;
  void index_insert(std::uint64_t h, std::uint32_t slot) noexcept;
  void index_erase(std::uint32_t slot) noexcept;
  void grow_index();

  HostWindowConfig config_;
  std::vector<Host> hosts_;
  std::vector<std::uint32_t> index_;  // open addressing, linear probing: host slot, or kNil
  std::size_t index_mask_ = 0;
  std::uint64_t seed_ = 0;  // the index's hash seed: random per process (the output never depends on it)
  std::uint32_t lru_head_ = kNil;  // least recently seen
  std::uint32_t lru_tail_ = kNil;  // most recently seen
  std::vector<std::uint64_t> scratch_;  // distinct counting
  HostWindowCounters counters_;
};

}  // namespace nta
