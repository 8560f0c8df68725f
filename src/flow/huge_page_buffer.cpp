#include "flow/huge_page_buffer.h"

#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace nta {

namespace {

std::size_t alignment_for(std::size_t bytes) noexcept {
  return bytes >= HugePageBuffer::kHugePage ? HugePageBuffer::kHugePage : 64;
}

}  // namespace

HugePageBuffer::HugePageBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  data_ = ::operator new (bytes, std::align_val_t{alignment_for(bytes)});
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Before the first touch, so the pages fault in as huge pages. Advice only: errors are ignored.
  if (bytes >= kHugePage) (void)madvise(data_, bytes, MADV_HUGEPAGE);
#endif
  std::memset(data_, 0, bytes);
}

HugePageBuffer::~HugePageBuffer() {
  release();
}

HugePageBuffer& HugePageBuffer::operator=(HugePageBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = other.data_;
    bytes_ = other.bytes_;
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

void HugePageBuffer::release() noexcept {
  if (data_ != nullptr) ::operator delete (data_, std::align_val_t{alignment_for(bytes_)});
  data_ = nullptr;
  bytes_ = 0;
}

}  // namespace nta
