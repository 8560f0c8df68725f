#include "core/sha1.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nta {
namespace {

std::string hex(const Sha1::Digest& d) {
  const auto h = to_hex(d);
  return std::string(h.data(), h.size());
}

// FIPS 180-2 appendix A / NIST example vectors.
TEST(Sha1, Abc) {
  EXPECT_EQ(hex(Sha1::digest("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Sha1, EmptyMessage) {
  EXPECT_EQ(hex(Sha1::digest("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(Sha1, TwoBlockMessage448Bits) {
  EXPECT_EQ(hex(Sha1::digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(Sha1, Message896Bits) {
  EXPECT_EQ(
      hex(Sha1::digest(
          "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmn"
          "opqrstnopqrstu")),
      "a49b2446a02c645bf419f995b67091253a04a259");
}

TEST(Sha1, OneMillionA) {
  Sha1 h;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(chunk);
  EXPECT_EQ(hex(h.finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // The same message in one call.
  EXPECT_EQ(hex(Sha1::digest(std::string(1'000'000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, SplitUpdatesMatchOneShotAtEveryBoundary) {
  std::vector<std::uint8_t> msg(200);
  for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<std::uint8_t>(i * 7 + 3);
  for (std::size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 200u}) {
    const std::span<const std::uint8_t> m(msg.data(), len);
    const Sha1::Digest whole = Sha1::digest(m);
    for (std::size_t cut = 0; cut <= len; ++cut) {
      Sha1 h;
      h.update(m.first(cut));
      h.update(m.subspan(cut));
      ASSERT_EQ(h.finish(), whole) << "len " << len << " cut " << cut;
    }
  }
}

TEST(Sha1, FinishResetsForTheNextMessage) {
  Sha1 h;
  h.update("something else");
  (void)h.finish();
  h.update("abc");
  EXPECT_EQ(hex(h.finish()), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

}  // namespace
}  // namespace nta

namespace nta {
namespace {

// The dispatched compression (the CPU's SHA extensions where present) against the portable one on
// pseudo-random blocks and chained states.
TEST(Sha1, DispatchedCompressionMatchesThePortableOne) {
  std::uint32_t x = 12345;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  std::vector<std::uint8_t> msg(64 * 40);
  for (auto& b : msg) b = static_cast<std::uint8_t>(next());
  for (std::size_t blocks = 1; blocks <= 40; blocks += 3) {
    const std::span<const std::uint8_t> m(msg.data(), 64 * blocks);
    // Reference: portable compression over the padded message.
    std::vector<std::uint8_t> padded(m.begin(), m.end());
    padded.push_back(0x80);
    while (padded.size() % 64 != 56) padded.push_back(0);
    const std::uint64_t bits = m.size() * 8;
    for (int i = 7; i >= 0; --i) padded.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    std::uint32_t state[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    for (std::size_t off = 0; off < padded.size(); off += 64)
      Sha1::compress_portable(state, padded.data() + off);
    Sha1::Digest expected;
    for (std::size_t i = 0; i < 5; ++i) {
      for (std::size_t j = 0; j < 4; ++j)
        expected[4 * i + j] = static_cast<std::uint8_t>(state[i] >> (24 - 8 * j));
    }
    EXPECT_EQ(Sha1::digest(m), expected) << blocks << " blocks";
  }
  RecordProperty("sha_extensions", Sha1::uses_cpu_extensions() ? "yes" : "no");
}

}  // namespace
}  // namespace nta
