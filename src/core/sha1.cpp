#include "core/sha1.h"

#include <bit>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define NTA_SHA1_X86 1
#endif

namespace nta {

namespace {

constexpr std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Round functions of FIPS 180-4, 4.1.1.
struct Ch {
  static constexpr std::uint32_t kK = 0x5A827999u;
  static std::uint32_t f(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return z ^ (x & (y ^ z));
  }
};
struct Parity1 {
  static constexpr std::uint32_t kK = 0x6ED9EBA1u;
  static std::uint32_t f(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept { return x ^ y ^ z; }
};
struct Maj {
  static constexpr std::uint32_t kK = 0x8F1BBCDCu;
  static std::uint32_t f(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return (x & y) | (z & (x | y));
  }
};
struct Parity2 {
  static constexpr std::uint32_t kK = 0xCA62C1D6u;
  static std::uint32_t f(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept { return x ^ y ^ z; }
};

// Five rounds with the working variables renamed instead of shifted (after five rounds each is back
// in its place), then the next group of five: 20 rounds of one function.
template <class F>
inline void twenty_rounds(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d,
                          std::uint32_t& e, const std::uint32_t* w) noexcept {
  for (int i = 0; i < 20; i += 5, w += 5) {
    e += std::rotl(a, 5) + F::f(b, c, d) + F::kK + w[0];
    b = std::rotl(b, 30);
    d += std::rotl(e, 5) + F::f(a, b, c) + F::kK + w[1];
    a = std::rotl(a, 30);
    c += std::rotl(d, 5) + F::f(e, a, b) + F::kK + w[2];
    e = std::rotl(e, 30);
    b += std::rotl(c, 5) + F::f(d, e, a) + F::kK + w[3];
    d = std::rotl(d, 30);
    a += std::rotl(b, 5) + F::f(c, d, e) + F::kK + w[4];
    c = std::rotl(c, 30);
  }
}

void compress_scalar(std::uint32_t* state, const std::uint8_t* block) noexcept {
  std::uint32_t w[80];
  for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  for (int t = 16; t < 80; ++t) w[t] = std::rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
  std::uint32_t a = state[0];
  std::uint32_t b = state[1];
  std::uint32_t c = state[2];
  std::uint32_t d = state[3];
  std::uint32_t e = state[4];
  twenty_rounds<Ch>(a, b, c, d, e, w);
  twenty_rounds<Parity1>(a, b, c, d, e, w + 20);
  twenty_rounds<Maj>(a, b, c, d, e, w + 40);
  twenty_rounds<Parity2>(a, b, c, d, e, w + 60);
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
}

#ifdef NTA_SHA1_X86
// The same compression with the SHA extensions (Intel Goldmont+, AMD Zen+): four rounds per
// sha1rnds4, the message schedule in sha1msg1/sha1msg2. W_i are the 4-word groups of the schedule.
// Groups [first, last) of four rounds with round function F; the schedule makes W_i (i >= 4) from
// the four groups before it, kept in a ring of four.
template <int F>
[[gnu::target("sha,sse4.1,ssse3")]] inline void sha_groups(__m128i& abcd, __m128i& e_prev, __m128i* w,
                                                           int first, int last) noexcept {
  for (int i = first; i < last; ++i) {
    if (i >= 4) {
      w[i & 3] = _mm_sha1msg2_epu32(
          _mm_xor_si128(_mm_sha1msg1_epu32(w[i & 3], w[(i + 1) & 3]), w[(i + 2) & 3]), w[(i + 3) & 3]);
    }
    const __m128i e = _mm_sha1nexte_epu32(e_prev, w[i & 3]);
    e_prev = abcd;
    abcd = _mm_sha1rnds4_epu32(abcd, e, F);
  }
}

// The same compression with the SHA extensions (Intel Goldmont and later, AMD Zen): four rounds per
// sha1rnds4, the message schedule in sha1msg1/sha1msg2.
[[gnu::target("sha,sse4.1,ssse3")]] void compress_shani(std::uint32_t* state,
                                                        const std::uint8_t* block) noexcept {
  const __m128i byte_swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  const __m128i abcd_save = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0x1B);
  const __m128i e_save = _mm_set_epi32(static_cast<int>(state[4]), 0, 0, 0);
  __m128i w[4];
  for (std::size_t i = 0; i < 4; ++i) {
    w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_swap);
  }
  // Group 0: E enters by addition; later groups derive it from the state before the previous group.
  __m128i abcd = abcd_save;
  __m128i e_prev = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, _mm_add_epi32(e_save, w[0]), 0);
  sha_groups<0>(abcd, e_prev, w, 1, 5);
  sha_groups<1>(abcd, e_prev, w, 5, 10);
  sha_groups<2>(abcd, e_prev, w, 10, 15);
  sha_groups<3>(abcd, e_prev, w, 15, 20);
  const __m128i e_out = _mm_sha1nexte_epu32(e_prev, e_save);
  abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd_save), 0x1B);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), abcd);
  state[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e_out, 3));
}

bool cpu_has_sha_extensions() noexcept {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
  const bool sse41 = (c & (1u << 19)) != 0;
  const bool ssse3 = (c & (1u << 9)) != 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  return sse41 && ssse3 && (b & (1u << 29)) != 0;
}
#endif

using CompressFn = void (*)(std::uint32_t*, const std::uint8_t*) noexcept;

CompressFn pick_compress() noexcept {
#ifdef NTA_SHA1_X86
  if (cpu_has_sha_extensions()) return compress_shani;
#endif
  return compress_scalar;
}

const CompressFn g_compress = pick_compress();

}  // namespace

void Sha1::reset() noexcept {
  state_ = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  buffered_ = 0;
  total_bytes_ = 0;
}

bool Sha1::uses_cpu_extensions() noexcept {
  return g_compress != compress_scalar;
}

void Sha1::compress_portable(std::uint32_t* state, const std::uint8_t* block) noexcept {
  compress_scalar(state, block);
}

void Sha1::compress(const std::uint8_t* block) noexcept {
  g_compress(state_.data(), block);
}

void Sha1::update(std::span<const std::uint8_t> data) noexcept {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  total_bytes_ += n;
  if (buffered_ > 0) {
    const std::size_t take = std::min(n, buffer_.size() - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < buffer_.size()) return;
    compress(buffer_.data());
    buffered_ = 0;
  }
  for (; n >= 64; n -= 64, p += 64) compress(p);
  if (n > 0) {
    std::memcpy(buffer_.data(), p, n);
    buffered_ = n;
  }
}

Sha1::Digest Sha1::finish() noexcept {
  const std::uint64_t bit_len = total_bytes_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > 56) {
    std::memset(buffer_.data() + buffered_, 0, 64 - buffered_);
    compress(buffer_.data());
    buffered_ = 0;
  }
  std::memset(buffer_.data() + buffered_, 0, 56 - buffered_);
  for (std::size_t i = 0; i < 8; ++i) buffer_[56 + i] = static_cast<std::uint8_t>(bit_len >> (56 - 8 * i));
  compress(buffer_.data());
  Digest out;
  for (std::size_t i = 0; i < 5; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(state_[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(state_[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(state_[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(state_[i]);
  }
  reset();
  return out;
}

std::array<char, 2 * Sha1::kDigestSize> to_hex(const Sha1::Digest& d) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 2 * Sha1::kDigestSize> out{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 0xf];
  }
  return out;
}

}  // namespace nta
