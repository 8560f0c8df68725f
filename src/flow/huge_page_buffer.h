#pragma once
// A zero-filled block of memory for the flow table's big arrays, aligned to 2 MiB and, on Linux,
// advised to use transparent huge pages when it is that large: the table's random accesses then miss
// the TLB far less often. Smaller blocks are cache-line aligned.
#include <cstddef>

namespace nta {

class HugePageBuffer {
 public:
  HugePageBuffer() = default;
  explicit HugePageBuffer(std::size_t bytes);
  ~HugePageBuffer();
  HugePageBuffer(HugePageBuffer&& other) noexcept : data_(other.data_), bytes_(other.bytes_) {
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  HugePageBuffer& operator=(HugePageBuffer&& other) noexcept;
  HugePageBuffer(const HugePageBuffer&) = delete;
  HugePageBuffer& operator=(const HugePageBuffer&) = delete;

  [[nodiscard]] void* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_; }

  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

 private:
  void release() noexcept;

  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace nta
