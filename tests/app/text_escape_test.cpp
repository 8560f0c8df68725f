#include "app/text_escape.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "wire_bytes.h"

namespace nta::test {
namespace {

TEST(EscapeForText, KeepsPrintableAscii) {
  EXPECT_EQ(escape_for_text("www.example.com/a?b=c d~"), "www.example.com/a?b=c d~");
}

TEST(EscapeForText, EscapesControlBytesDelHighBytesAndBackslash) {
  const std::string in{'a', '\0', '\n', '\x1b', '\x7f', '\\', 'z'};
  EXPECT_EQ(escape_for_text(in), "a\\x00\\x0a\\x1b\\x7f\\x5cz");
  // UTF-8 ("é" = c3 a9) is escaped byte by byte: the output is ASCII only.
  EXPECT_EQ(escape_for_text("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(EscapeForText, EscapesExtraCharactersOnRequest) {
  EXPECT_EQ(escape_for_text("a.b,c", "."), "a\\x2eb,c");
  EXPECT_EQ(escape_for_text("a.b,c", ","), "a.b\\x2cc");
}

TEST(EscapeForText, OutputIsPrintableForEveryByte) {
  std::array<std::uint8_t, 256> all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string out = escape_for_text(std::span<const std::uint8_t>(all));
  for (const char c : out) {
    EXPECT_GE(c, 0x20);
    EXPECT_LE(c, 0x7e);
  }
  EXPECT_EQ(out.size(), 95u - 1u + (256u - 94u) * 4u);  // 94 kept (printable minus '\'), rest 4 each
}

TEST(AppendEscaped, StopsAtTheCapWithoutCuttingAnEscape) {
  std::string out;
  EXPECT_FALSE(append_escaped(out, as_bytes("abc\x01xyz"), 5));
  EXPECT_EQ(out, "abc");  // "\x01" needs 4 more characters: it is left out whole
  out.clear();
  EXPECT_TRUE(append_escaped(out, as_bytes("abc\x01"), 7));
  EXPECT_EQ(out, "abc\\x01");
}

TEST(EscapeInto, WritesIntoAFixedBuffer) {
  std::array<char, 6> buf{};
  bool cut = false;
  EXPECT_EQ(escape_into(buf, as_bytes("a\tb"), cut), 6u);
  EXPECT_FALSE(cut);
  EXPECT_EQ(std::string(buf.data(), 6), "a\\x09b");
  EXPECT_EQ(escape_into(buf, as_bytes("abc\t"), cut), 3u);  // "\x09" would need 4 more
  EXPECT_TRUE(cut);
}

}  // namespace
}  // namespace nta::test
