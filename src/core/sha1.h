#pragma once
// SHA-1 (FIPS 180-4), written here for the Community ID flow hash. Not for security: SHA-1 is
// broken for collision resistance; the Community ID specification fixes it as its hash.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace nta {

class Sha1 {
 public:
  static constexpr std::size_t kDigestSize = 20;
  using Digest = std::array<std::uint8_t, kDigestSize>;

  Sha1() noexcept { reset(); }

  void reset() noexcept;
  void update(std::span<const std::uint8_t> data) noexcept;
  void update(std::string_view text) noexcept {
    update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
  // Pads, returns the digest and leaves the object reset for a new message.
  [[nodiscard]] Digest finish() noexcept;

  [[nodiscard]] static Digest digest(std::span<const std::uint8_t> data) noexcept {
    Sha1 h;
    h.update(data);
    return h.finish();
  }
  [[nodiscard]] static Digest digest(std::string_view text) noexcept {
    Sha1 h;
    h.update(text);
    return h.finish();
  }

  // True when blocks go through the CPU's SHA extensions (chosen once at start-up); the portable
  // compression function stays available so tests can compare the two.
  [[nodiscard]] static bool uses_cpu_extensions() noexcept;
  static void compress_portable(std::uint32_t* state, const std::uint8_t* block) noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 5> state_{};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// Lower-case hexadecimal text of a digest (40 characters).
[[nodiscard]] std::array<char, 2 * Sha1::kDigestSize> to_hex(const Sha1::Digest& d) noexcept;

}  // namespace nta
