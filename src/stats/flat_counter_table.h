#pragma once
// Counters per key in a flat open-addressing table (linear probing, power-of-two size, at most
// half full): one probe sequence per packet, no allocation until it grows. Capped so a flood of
// random keys cannot exhaust memory; keys past the cap share the `other()` counters.
// HostCounterTable's approach, generic over the key and the counters.
//
// Key: regular, ordered, with `bool empty() const` (an empty key marks a free slot; it is never
// counted). KeyOps: `static std::uint64_t hash(const Key&, std::uint64_t seed)` and
// `static bool equal(const Key&, const Key&)`, both cheap and inline: they run per packet.
#include <algorithm>
#include <cstdint>
#include <new>
#include <random>
#include <vector>

namespace nta {

template <typename Key, typename Counters, typename KeyOps>
class FlatCounterTable {
 public:
  struct Entry {
    Key key;
    Counters counters;
  };

  explicit FlatCounterTable(std::size_t max_entries)
      : slots_(256), mask_(255), max_entries_(max_entries), seed_(std::random_device{}()) {}

  // The counters of `key`, created zeroed on first sight; past the cap (or for an empty key),
  // the shared `other()` counters.
  Counters& at(const Key& key) noexcept {
    if (key.empty()) return other_;
    std::size_t i = KeyOps::hash(key, seed_) & mask_;
    for (;;) {
      Entry& slot = slots_[i];
      if (KeyOps::equal(slot.key, key)) return slot.counters;
      if (slot.key.empty()) break;
      i = (i + 1) & mask_;
    }
    if (size_ >= max_entries_) return other_;
    slots_[i].key = key;
    ++size_;
    if (size_ * 2 > slots_.size() && grow()) return at(key);
    return slots_[i].counters;  // (if growing failed, the table takes no more keys)
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t max_entries() const noexcept { return max_entries_; }
  // What was counted for keys past the cap.
  [[nodiscard]] const Counters& other() const noexcept { return other_; }

  // The `n` first entries in the order of `less` (a strict weak order on Entry).
  template <typename Less>
  [[nodiscard]] std::vector<Entry> top(std::size_t n, Less less) const {
    std::vector<Entry> all;
    all.reserve(size_);
    for (const Entry& e : slots_) {
      if (!e.key.empty()) all.push_back(e);
    }
    n = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), less);
    all.resize(n);
    return all;
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const Entry& e : slots_) {
      if (!e.key.empty()) fn(e);
    }
  }

 private:
  bool grow() noexcept {
    std::vector<Entry> old;
    try {
      old.resize(slots_.size() * 2);
    } catch (const std::bad_alloc&) {
      max_entries_ = size_;  // still at most just over half full: probing ends
      return false;
    }
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Entry& e : old) {
      if (e.key.empty()) continue;
      std::size_t i = KeyOps::hash(e.key, seed_) & mask_;
      while (!slots_[i].key.empty()) i = (i + 1) & mask_;
      slots_[i] = e;
    }
    return true;
  }

  std::vector<Entry> slots_;  // free slot: key.empty()
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  std::size_t max_entries_;
  std::uint64_t seed_;
  Counters other_{};
};

}  // namespace nta
