#include "app/tls_hello.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tls_test_messages.h"
#include "wire_bytes.h"

namespace nta::test {
namespace {

std::string text(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

std::vector<std::string> alpn_list(std::span<const std::uint8_t> list) {
  std::vector<std::string> out;
  for_each_alpn_protocol(list, [&](std::span<const std::uint8_t> p) { out.push_back(text(p)); });
  return out;
}

TEST(TlsHello, ReadsSniAlpnAndSupportedVersions) {
  const WireBytes ch = client_hello(
      {.sni = "www.example.org", .alpn = {"h2", "http/1.1"}, .versions = {0x3a3a, 0x0304, 0x0303}});
  ASSERT_TRUE(looks_like_tls_hello(ch.span()));
  const TlsHello h = parse_tls_hello(ch.span());
  EXPECT_EQ(h.kind, TlsHelloKind::kClientHello);
  EXPECT_EQ(h.legacy_version, 0x0303);
  EXPECT_EQ(h.supported_version, 0x0304);  // GREASE 0x3a3a ignored
  EXPECT_EQ(h.version(), tlsversion::kTls13);
  ASSERT_TRUE(h.has_server_name);
  EXPECT_EQ(text(h.server_name), "www.example.org");
  ASSERT_TRUE(h.has_alpn);
  EXPECT_EQ(alpn_list(h.alpn), (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_FALSE(h.truncated);
  EXPECT_FALSE(h.malformed);
}

TEST(TlsHello, WithoutSupportedVersionsTheLegacyVersionCounts) {
  const WireBytes ch = client_hello({.sni = "old.example", .legacy_version = 0x0301});
  const TlsHello h = parse_tls_hello(ch.span());
  EXPECT_EQ(h.supported_version, 0);
  EXPECT_EQ(h.version(), tlsversion::kTls10);
  EXPECT_EQ(tls_version_name(h.version()), "TLSv10");
  EXPECT_FALSE(h.has_alpn);
}

TEST(TlsHello, NoExtensionsAtAll) {
  const WireBytes ch = client_hello({.no_extensions = true});
  const TlsHello h = parse_tls_hello(ch.span());
  EXPECT_EQ(h.kind, TlsHelloKind::kClientHello);
  EXPECT_FALSE(h.has_server_name);
  EXPECT_FALSE(h.truncated);
}

TEST(TlsHello, ACutHelloKeepsTheCompleteExtensionsOnly) {
  // Extension order: server_name, supported_versions, ALPN. Cut inside ALPN.
  const WireBytes ch = client_hello({.sni = "cut.example", .alpn = {"h2", "http/1.1"}, .versions = {0x0304}});
  const TlsHello h = parse_tls_hello(ch.first(ch.size() - 4));
  EXPECT_EQ(h.kind, TlsHelloKind::kClientHello);
  EXPECT_TRUE(h.truncated);
  ASSERT_TRUE(h.has_server_name);
  EXPECT_EQ(text(h.server_name), "cut.example");
  EXPECT_EQ(h.version(), 0x0304);
  EXPECT_FALSE(h.has_alpn);

  // Cut inside the session id: a ClientHello, with only its version.
  const TlsHello early = parse_tls_hello(ch.first(5 + 4 + 2 + 32 + 1 + 3));
  EXPECT_EQ(early.kind, TlsHelloKind::kClientHello);
  EXPECT_TRUE(early.truncated);
  EXPECT_FALSE(early.has_server_name);
  EXPECT_EQ(early.version(), 0x0303);

  // Cut inside the random: not enough to call it a hello.
  const TlsHello tiny = parse_tls_hello(ch.first(20));
  EXPECT_EQ(tiny.kind, TlsHelloKind::kNone);
}

TEST(TlsHello, ALengthBeyondItsContainerIsMalformed) {
  WireBytes ch = client_hello({.sni = "bad.example"});
  // The server_name list length (first extension, after its 4-byte header) claims 0xffff bytes.
  ch.set16(server_name_list_offset(ch), 0xffff);
  const TlsHello h = parse_tls_hello(ch.span());
  EXPECT_TRUE(h.malformed);
  EXPECT_FALSE(h.has_server_name);
}

TEST(TlsHello, ReadsTheServerHelloSelectedVersion) {
  const WireBytes sh = server_hello(0x0304);
  const TlsHello h = parse_tls_hello(sh.span());
  EXPECT_EQ(h.kind, TlsHelloKind::kServerHello);
  EXPECT_EQ(h.legacy_version, 0x0303);
  EXPECT_EQ(h.version(), 0x0304);
  const TlsHello old = parse_tls_hello(server_hello(0).span());
  EXPECT_EQ(old.version(), 0x0303);
}

TEST(TlsHello, OtherRecordsAreNotHellos) {
  WireBytes app;
  app.raw({23, 3, 3}).be16(5).fill(5, 0xaa);
  EXPECT_FALSE(looks_like_tls_hello(app.span()));
  EXPECT_EQ(parse_tls_hello(app.span()).kind, TlsHelloKind::kNone);
  WireBytes http;
  http.text("GET / HTTP/1.1\r\n");
  EXPECT_FALSE(looks_like_tls_hello(http.span()));
}

TEST(TlsHello, GreaseValues) {
  EXPECT_TRUE(is_tls_grease(0x0a0a));
  EXPECT_TRUE(is_tls_grease(0xfafa));
  EXPECT_FALSE(is_tls_grease(0x0a1a));
  EXPECT_FALSE(is_tls_grease(0x0304));
}

}  // namespace
}  // namespace nta::test
