#include "app/ssh_banner.h"

#include <gtest/gtest.h>

#include <string>

#include "wire_bytes.h"

namespace nta::test {
namespace {

std::string text(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

TEST(SshBanner, ReadsTheIdentificationLine) {
  SshBanner b;
  ASSERT_TRUE(find_ssh_banner(as_bytes("SSH-2.0-OpenSSH_9.6 extra\r\n\x14"
                                       "binary"),
                              false, b));
  EXPECT_EQ(text(b.line), "SSH-2.0-OpenSSH_9.6 extra");
  EXPECT_TRUE(b.complete);
  ASSERT_TRUE(find_ssh_banner(as_bytes("SSH-1.99-Cisco-1.25\n"), false, b));
  EXPECT_EQ(text(b.line), "SSH-1.99-Cisco-1.25");
}

TEST(SshBanner, ALineWithoutItsEndIsIncomplete) {
  SshBanner b;
  ASSERT_TRUE(find_ssh_banner(as_bytes("SSH-2.0-dropbear"), false, b));
  EXPECT_EQ(text(b.line), "SSH-2.0-dropbear");
  EXPECT_FALSE(b.complete);
}

TEST(SshBanner, OnlyAServerMaySendLinesFirst) {
  const auto p = as_bytes("Welcome to host\r\nSSH-2.0-OpenSSH_8.9\r\n");
  SshBanner b;
  EXPECT_FALSE(find_ssh_banner(p, false, b));
  ASSERT_TRUE(find_ssh_banner(p, true, b));
  EXPECT_EQ(text(b.line), "SSH-2.0-OpenSSH_8.9");
  EXPECT_FALSE(find_ssh_banner(as_bytes("no banner here\r\nnor here"), true, b));
  EXPECT_FALSE(looks_like_ssh_banner(as_bytes("SSH")));
}

}  // namespace
}  // namespace nta::test
