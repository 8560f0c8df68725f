#pragma once
// Big-endian loads from unaligned bytes, and ByteReader: a (pointer, size) window on captured bytes
// that the decoder narrows layer by layer. Every header is checked once with fits() before its
// fields are read; the loads themselves are memcpy-based (no alignment or aliasing assumptions).
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nta {

[[nodiscard]] inline std::uint16_t load_be16(const std::uint8_t* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap16(v);
  return v;
}

[[nodiscard]] inline std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return v;
}

[[nodiscard]] inline std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

// A window of `size` readable bytes at `data`. The accessors take offsets relative to the window;
// their precondition (checked by assert in debug builds) is that the caller has tested fits().
class ByteReader {
 public:
  constexpr ByteReader() noexcept = default;
  constexpr ByteReader(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}

  [[nodiscard]] constexpr const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  // One past the last readable byte (data() when empty; never dereferenced).
  [[nodiscard]] constexpr const std::uint8_t* end() const noexcept { return data_ + size_; }

  // True when [offset, offset + n) lies inside the window.
  [[nodiscard]] constexpr bool fits(std::size_t offset, std::size_t n) const noexcept {
    return offset <= size_ && n <= size_ - offset;
  }
  [[nodiscard]] constexpr bool fits(std::size_t n) const noexcept { return n <= size_; }

  [[nodiscard]] std::uint8_t u8(std::size_t offset) const noexcept {
    assert(fits(offset, 1));
    return data_[offset];
  }
  [[nodiscard]] std::uint16_t be16(std::size_t offset) const noexcept {
    assert(fits(offset, 2));
    return load_be16(data_ + offset);
  }
  [[nodiscard]] std::uint32_t be32(std::size_t offset) const noexcept {
    assert(fits(offset, 4));
    return load_be32(data_ + offset);
  }
  [[nodiscard]] std::uint32_t le32(std::size_t offset) const noexcept {
    assert(fits(offset, 4));
    return load_le32(data_ + offset);
  }
  [[nodiscard]] const std::uint8_t* at(std::size_t offset) const noexcept {
    assert(offset <= size_);
    return data_ + offset;
  }

  // The window without its first n bytes (empty when n >= size()).
  [[nodiscard]] constexpr ByteReader skip(std::size_t n) const noexcept {
    return n >= size_ ? ByteReader(data_ + size_, 0) : ByteReader(data_ + n, size_ - n);
  }
  // The first n bytes of the window (the whole window when n >= size()).
  [[nodiscard]] constexpr ByteReader first(std::size_t n) const noexcept {
    return ByteReader(data_, n < size_ ? n : size_);
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace nta
