#pragma once
// The detectors' per-key state: a flat open-addressing table (linear probing, backward-shift
// deletion) over slots that sit in one vector reserved to the cap at construction. Past the cap
// the least recently used key is evicted and counted, found the CLOCK way (second chance): each
// use sets a bit in the key's own slot, and eviction sweeps a hand over the slots, clearing bits,
// until it meets a slot not used since the hand last passed. That approximates least-recently-used
// order without touching other slots on every use, which matters once the keys outgrow the caches.
// The index doubles as keys arrive (kept at most half full) until it fits the cap; once the cap is
// reached nothing is allocated any more.
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace nta {

template <class Key, class Value, class Hash>
class LruTable {
 public:
  explicit LruTable(std::size_t capacity, Hash hash = Hash{}) : hash_(hash) {
    capacity_ = capacity < 1 ? 1 : capacity;
    slots_.reserve(capacity_);
    index_.assign(kInitialBuckets, 0);
    mask_ = kInitialBuckets - 1;
    seed_ = (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  }

  // The value of `key`, made (value-initialised) when missing; `created` says which. The key
  // counts as just used.
  Value& upsert(const Key& key, bool& created) {
    const std::uint64_t h = hash_(key, seed_);
    std::size_t pos = h & mask_;
    while (index_[pos] != 0) {
      Slot& s = slots_[index_[pos] - 1];
      if (s.hash == h && s.key == key) {
        s.used = true;
        created = false;
        return s.value;
      }
      pos = (pos + 1) & mask_;
    }
    created = true;
    std::uint32_t slot = 0;
    if (slots_.size() < capacity_) {
      if (2 * (slots_.size() + 1) > index_.size()) {
        grow();
        pos = h & mask_;
        while (index_[pos] != 0) pos = (pos + 1) & mask_;
      }
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    } else {
      slot = victim();
      erase_index(slot);
      ++evictions_;
      pos = h & mask_;
      while (index_[pos] != 0) pos = (pos + 1) & mask_;
      slots_[slot].value = Value{};
    }
    Slot& s = slots_[slot];
    s.key = key;
    s.hash = h;
    s.used = true;
    index_[pos] = slot + 1;
    return s.value;
  }

  // The value of `key` or nullptr; a hit counts as a use.
  Value* find(const Key& key) noexcept {
    const std::uint64_t h = hash_(key, seed_);
    for (std::size_t pos = h & mask_; index_[pos] != 0; pos = (pos + 1) & mask_) {
      Slot& s = slots_[index_[pos] - 1];
      if (s.hash == h && s.key == key) {
        s.used = true;
        return &s.value;
      }
    }
    return nullptr;
  }

  // Visits every (key, value), in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) f(s.key, s.value);
  }

  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::uint64_t evictions() const noexcept { return evictions_; }

 private:
  static constexpr std::size_t kInitialBuckets = 64;
  struct Slot {
    Key key{};
    std::uint64_t hash = 0;
    bool used = false;
    Value value{};
  };

  // The slot to reuse: the first one at or after the hand not used since the hand last passed.
  std::uint32_t victim() noexcept {
    for (;;) {
      Slot& s = slots_[hand_];
      const std::uint32_t here = hand_;
      hand_ = hand_ + 1 == slots_.size() ? 0 : hand_ + 1;
      if (!s.used) return here;
      s.used = false;
    }
  }
  void grow() {
    std::vector<std::uint32_t> bigger(index_.size() * 2, 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::uint32_t i = 0; i < slots_.size(); ++i) {
      std::size_t pos = slots_[i].hash & mask;
      while (bigger[pos] != 0) pos = (pos + 1) & mask;
      bigger[pos] = i + 1;
    }
    index_ = std::move(bigger);
    mask_ = mask;
  }
  // Removes slot i's index entry and closes the gap (backward shift), so probes stay correct.
  void erase_index(std::uint32_t i) noexcept {
    std::size_t pos = slots_[i].hash & mask_;
    while (index_[pos] != i + 1) pos = (pos + 1) & mask_;
    std::size_t next = pos;
    for (;;) {
      next = (next + 1) & mask_;
      if (index_[next] == 0) break;
      const std::size_t home = slots_[index_[next] - 1].hash & mask_;
      // The entry at `next` may move into the hole at `pos` unless its home lies in (pos, next].
      const bool stays = pos <= next ? (home > pos && home <= next) : (home > pos || home <= next);
      if (!stays) {
        index_[pos] = index_[next];
        pos = next;
      }
    }
    index_[pos] = 0;
  }

  Hash hash_;
  std::size_t capacity_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> index_;
  std::size_t mask_ = 0;
  std::uint64_t seed_ = 0;
  std::uint32_t hand_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace nta
