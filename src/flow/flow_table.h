#pragma once
// The flow table: turns packets into bidirectional flows (Zeek connections) and emits finished
// records. Open addressing over a seeded hash of the canonical key; records in fixed 2 MiB chunks
// (no allocation per packet, no copying when the table grows); one least-recently-seen list per
// timeout class, so expire() looks only at flows near their deadline and eviction finds the least
// recently seen flows at the lists' heads. A flow moves to its list's tail only when its last-seen
// time enters a new bucket of 1/8 of its timeout, so most packets never touch the lists. Everything
// runs on packet time; output order depends only on the input. docs/flows.md has the rules.
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/timestamp.h"
#include "decode/packet_view.h"
#include "flow/community_id.h"
#include "flow/flow_record.h"
#include "flow/huge_page_buffer.h"

namespace nta {

// Memory one flow costs at most: its record, its list node (links, list time, serial, tag), a free
// list entry and, in the worst case, four index entries of 8 bytes (the index load stays in 1/4..1/2).
inline constexpr std::size_t kFlowBytesPerFlow = sizeof(FlowRecord) + 32 + 4 + 32;
// Default cap: about 1 GiB of flow state (~3.3 million flows with 256-byte records).
inline constexpr std::size_t kDefaultMaxFlows = (std::size_t{1} << 30) / kFlowBytesPerFlow;

struct FlowConfig {
  std::size_t max_flows = kDefaultMaxFlows;
  // Idle timeouts by state (packet time since the flow's last packet).
  std::chrono::nanoseconds tcp_attempt_timeout = std::chrono::seconds(30);  // nothing but SYN, SYN-ACK
  std::chrono::nanoseconds tcp_established_timeout = std::chrono::minutes(5);
  std::chrono::nanoseconds tcp_closed_timeout = std::chrono::seconds(5);  // linger after FIN+FIN or RST
  std::chrono::nanoseconds udp_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds icmp_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds other_timeout = std::chrono::seconds(60);
  // A flow still running this long after its first packet emits an interim record (and again each
  // period after). 0 turns interim records off.
  std::chrono::nanoseconds active_timeout = std::chrono::minutes(30);
  bool split_icmp_echo_by_id = true;  // echo flows with different identifiers are different flows
  bool community_id = true;           // fill FlowRecord::community_id when a record is emitted
  CommunityIdOptions community_id_options{};
  std::uint64_t hash_seed = 0;  // 0: a per-process random seed (std::random_device, drawn once)
};

class FlowSink;

// A callable that takes emitted records (a lambda, a function object).
template <class F>
concept FlowCallback =
    std::invocable<F&, const FlowRecord&> && !std::same_as<std::remove_cvref_t<F>, FlowSink> &&
    !std::same_as<std::remove_cvref_t<F>, std::vector<FlowRecord>>;

// Where emitted records go: a batch (appended to) or a FlowCallback. A non-owning reference, cheap to
// pass by value; the target must outlive the call. Sinks must not call back into the table.
class FlowSink {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): converting from the target is the point.
  FlowSink(std::vector<FlowRecord>& batch) noexcept
      : target_(&batch),
        fn_([](void* t, const FlowRecord& r) { static_cast<std::vector<FlowRecord>*>(t)->push_back(r); }) {}

  template <FlowCallback F>
  // NOLINTNEXTLINE(google-explicit-constructor)
  FlowSink(F&& f) noexcept
      : target_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        fn_([](void* t, const FlowRecord& r) { (*static_cast<std::remove_reference_t<F>*>(t))(r); }) {}

  void operator()(const FlowRecord& r) const { fn_(target_, r); }

 private:
  void* target_;
  void (*fn_)(void*, const FlowRecord&);
};

// What update() did with a packet.
struct FlowUpdate {
  FlowRecord* flow = nullptr;  // the flow the packet updated (nullptr: not an IP packet); valid
                               // until the next non-const call on the table
  bool from_originator = false;
  bool created = false;  // the packet started the flow
};

struct FlowCounters {
  std::uint64_t packets = 0;               // packets given to update()
  std::uint64_t packets_not_in_flows = 0;  // not IPv4/IPv6 (ARP, other ethertypes, undecodable)
  std::uint64_t flows_created = 0;
  std::uint64_t flows_evicted = 0;    // ended because the table was full
  std::uint64_t flows_timed_out = 0;  // ended by an idle timeout
  std::uint64_t flows_closed = 0;     // ended after FIN/RST (or reused by a new SYN)
  std::uint64_t flows_flushed = 0;    // ended by flush()
  std::uint64_t interim_records = 0;
  std::uint64_t fragments_joined = 0;    // non-first fragments counted in their datagram's flow
  std::uint64_t fragments_unjoined = 0;  // non-first fragments whose first fragment was not seen
};

class FlowTable {
 public:
  explicit FlowTable(const FlowConfig& config = {});
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Accounts one decoded packet. Records that end because of it (an eviction when the table is full,
  // a closed flow whose ports a new SYN reuses, an interim record) go to `sink` right away.
  FlowUpdate update(const PacketView& packet, FlowSink sink);

  // Emits every flow whose timeout has passed at packet time `now`, oldest deadline first. Looks
  // only at flows near their deadline (never the whole table): call it once per packet-time second.
  std::size_t expire(Timestamp now, FlowSink sink);

  // End of input: emits all remaining flows in first-seen order and empties the table.
  std::size_t flush(FlowSink sink);

  // The live flow with this key in either orientation, or nullptr.
  [[nodiscard]] const FlowRecord* find(const FlowKey& key) const noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const FlowCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const FlowConfig& config() const noexcept { return config_; }
  // Bytes held by the table's storage (records, nodes, index, free list, fragment cache).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  enum Class : std::uint8_t { kTcpAttempt, kTcpEstablished, kTcpClosed, kUdp, kIcmp, kOther, kClassCount };
  static constexpr std::uint32_t kNil = 0xffffffffu;
  static constexpr unsigned kMaxChunkBits = 13;  // 8192 records (2 MiB, one huge page) per chunk

  struct IndexEntry {
    std::uint32_t tag = 0;   // the hash's upper 32 bits (its top bits are the home bucket)
    std::uint32_t slot = 0;  // record slot + 1; 0 = empty
  };
  struct Node {
    std::uint32_t prev = kNil;
    std::uint32_t next = kNil;
    std::int64_t moved = 0;          // table clock when the flow last moved to its list's tail
    std::uint64_t serial = 0;        // creation order
    std::uint32_t tag = 0;           // index tag, to find the index entry when the flow ends
    std::uint8_t cls = kClassCount;  // timeout class (list) the flow is in; kClassCount: not in use
  };
  static constexpr unsigned kClassShift = 5;  // FlowRecord::flags bits 5-7 mirror Node::cls
  struct FragmentEntry {
    std::uint64_t hash = 0;
    std::uint64_t serial = 0;
    std::uint32_t slot = kNil;
  };
  struct Tuple;

  FlowRecord& record(std::uint32_t slot) noexcept {
    return chunk_records_[slot >> chunk_bits_][slot & chunk_mask_];
  }
  const FlowRecord& record(std::uint32_t slot) const noexcept {
    return chunk_records_[slot >> chunk_bits_][slot & chunk_mask_];
  }

  FlowUpdate update_fragment(const PacketView& p, FlowSink sink);
  std::uint64_t fragment_hash(const PacketView& p) const noexcept;
  void remember_fragment(const PacketView& p, std::uint32_t slot);
  FlowUpdate create(const Tuple& t, const PacketView& p, FlowSink sink);
  [[gnu::always_inline]] inline FlowUpdate update_tuple(Tuple& t, const PacketView& p, FlowSink sink);
  [[gnu::always_inline]] inline std::uint32_t lookup(const Tuple& t, bool& from_orig) const noexcept;
  void index_insert(std::uint32_t tag, std::uint32_t slot) noexcept;
  void index_erase(std::uint32_t slot) noexcept;
  void grow_index();
  std::uint32_t alloc_slot();
  [[gnu::always_inline]] inline void apply(std::uint32_t slot, bool from_orig, const PacketView& p) noexcept;
  [[gnu::always_inline]] inline void touch(std::uint32_t slot, std::int64_t previous_last) noexcept;
  void link_tail(std::uint32_t slot, std::uint8_t cls) noexcept;
  void unlink(std::uint32_t slot) noexcept;
  std::uint8_t classify(const FlowRecord& r) const noexcept;
  std::uint32_t least_recently_seen() const noexcept;
  void emit_interim(std::uint32_t slot, FlowSink sink);
  void finish(std::uint32_t slot, FlowEndReason reason, FlowSink sink);
  void make_room(FlowSink sink);
  void prepare_emit(FlowRecord& r, FlowEndReason reason) const noexcept;

  FlowConfig config_;
  std::array<std::int64_t, kClassCount> timeout_ns_{};
  std::array<unsigned, kClassCount> bucket_shift_{};  // log2 of the list-move granularity per class
  std::int64_t active_ns_ = 0;
  std::uint64_t seed_ = 0;

  HugePageBuffer index_memory_;
  IndexEntry* index_ = nullptr;  // 2^index_bits_ entries in index_memory_ (none before the first flow)
  std::uint32_t index_bits_ = 0;
  std::vector<HugePageBuffer> chunks_;  // records, 2^chunk_bits_ per chunk, never moved
  std::vector<FlowRecord*> chunk_records_;
  unsigned chunk_bits_ = kMaxChunkBits;
  std::uint32_t chunk_mask_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> free_;
  std::array<std::uint32_t, kClassCount> head_{};
  std::array<std::uint32_t, kClassCount> tail_{};
  std::vector<FragmentEntry> fragments_;
  std::vector<std::pair<std::int64_t, std::uint32_t>> due_;  // expire()'s scratch: (deadline, slot)
  std::size_t size_ = 0;
  std::int64_t clock_ = INT64_MIN;
  std::uint64_t next_serial_ = 0;
  FlowCounters counters_;
};

}  // namespace nta
