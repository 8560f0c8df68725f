#include "stats/host_counter_table.h"

#include <algorithm>
#include <random>

namespace nta {

HostCounterTable::HostCounterTable(std::size_t max_hosts)
    : slots_(256), mask_(255), max_hosts_(max_hosts), seed_(std::random_device{}()) {}

void HostCounterTable::add(const IpAddress& a, std::uint32_t bytes) noexcept {
  if (a.empty()) return;
  std::size_t i = hash_ip(a, seed_) & mask_;
  for (;;) {
    HostCount& slot = slots_[i];
    if (slot.address == a) {
      ++slot.packets;
      slot.bytes += bytes;
      return;
    }
    if (slot.address.empty()) break;
    i = (i + 1) & mask_;
  }
  if (size_ >= max_hosts_) {
    ++other_.packets;
    other_.bytes += bytes;
    return;
  }
  slots_[i] = HostCount{a, 1, bytes};
  ++size_;
  if (size_ * 2 > slots_.size()) grow();
}

void HostCounterTable::grow() {
  std::vector<HostCount> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const HostCount& h : old) {
    if (h.address.empty()) continue;
    std::size_t i = hash_ip(h.address, seed_) & mask_;
    while (!slots_[i].address.empty()) i = (i + 1) & mask_;
    slots_[i] = h;
  }
}

namespace {
template <typename Less>
std::vector<HostCount> top_n(const std::vector<HostCount>& slots, std::size_t n, Less less) {
  std::vector<HostCount> all;
  for (const HostCount& h : slots) {
    if (!h.address.empty()) all.push_back(h);
  }
  n = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), less);
  all.resize(n);
  return all;
}
}  // namespace

std::vector<HostCount> HostCounterTable::top_by_packets(std::size_t n) const {
  return top_n(slots_, n, [](const HostCount& x, const HostCount& y) {
    if (x.packets != y.packets) return x.packets > y.packets;
    if (x.bytes != y.bytes) return x.bytes > y.bytes;
    return x.address < y.address;
  });
}

std::vector<HostCount> HostCounterTable::top_by_bytes(std::size_t n) const {
  return top_n(slots_, n, [](const HostCount& x, const HostCount& y) {
    if (x.bytes != y.bytes) return x.bytes > y.bytes;
    if (x.packets != y.packets) return x.packets > y.packets;
    return x.address < y.address;
  });
}

}  // namespace nta
