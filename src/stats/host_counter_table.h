#pragma once
// Packets and bytes per IP address in a flat open-addressing table: one probe sequence per
// packet, no allocation until it grows. Capped so a flood of random sources cannot exhaust memory;
// addresses past the cap are counted together as "other".
#include <cstdint>
#include <vector>

#include "core/ip_address.h"

namespace nta {

struct HostCount {
  IpAddress address;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

class HostCounterTable {
 public:
  explicit HostCounterTable(std::size_t max_hosts = 1u << 20);

  void add(const IpAddress& a, std::uint32_t bytes) noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const HostCount& other() const noexcept { return other_; }
  // The `n` largest entries by packets (ties: by bytes, then address), largest first.
  [[nodiscard]] std::vector<HostCount> top_by_packets(std::size_t n) const;
  [[nodiscard]] std::vector<HostCount> top_by_bytes(std::size_t n) const;

 private:
  void grow();

  std::vector<HostCount> slots_;  // empty slot: address.family == kNone
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  std::size_t max_hosts_;
  std::uint64_t seed_;
  HostCount other_;
};

}  // namespace nta
