#include "app/http_message.h"

#include <gtest/gtest.h>

#include <string>

#include "wire_bytes.h"

namespace nta::test {
namespace {

std::string text(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

TEST(HttpMessage, ReadsRequestLineHostAndUserAgent) {
  const auto p = as_bytes(
      "GET /index.html?q=1 HTTP/1.1\r\nhost:  www.example.com \r\nAccept: */*\r\n"
      "USER-AGENT: curl/8.0\r\nHost: second.example\r\n\r\nbody");
  HttpRequest r;
  ASSERT_TRUE(parse_http_request(p, r));
  EXPECT_EQ(text(r.method), "GET");
  EXPECT_EQ(text(r.uri), "/index.html?q=1");
  EXPECT_EQ(text(r.version), "HTTP/1.1");
  ASSERT_TRUE(r.has_host);
  EXPECT_EQ(text(r.host), "www.example.com");  // names case-insensitive, value trimmed, first wins
  ASSERT_TRUE(r.has_user_agent);
  EXPECT_EQ(text(r.user_agent), "curl/8.0");
  EXPECT_TRUE(r.headers_complete);
  EXPECT_FALSE(r.uri_cut);
}

TEST(HttpMessage, AcceptsBareLineFeeds) {
  HttpRequest r;
  ASSERT_TRUE(parse_http_request(as_bytes("POST /api HTTP/1.0\nHost: a.example\n\n"), r));
  EXPECT_EQ(text(r.method), "POST");
  EXPECT_EQ(text(r.host), "a.example");
  EXPECT_TRUE(r.headers_complete);
}

TEST(HttpMessage, AHeaderCutByTheSegmentEndIsAbsent) {
  HttpRequest r;
  ASSERT_TRUE(parse_http_request(as_bytes("GET / HTTP/1.1\r\nUser-Agent: x\r\nHost: www.exa"), r));
  EXPECT_TRUE(r.has_user_agent);
  EXPECT_FALSE(r.has_host);
  EXPECT_TRUE(r.host.empty());
  EXPECT_FALSE(r.headers_complete);
}

TEST(HttpMessage, ACutRequestLineKeepsTheUriSoFar) {
  HttpRequest r;
  ASSERT_TRUE(parse_http_request(as_bytes("GET /very/long/pa"), r));
  EXPECT_EQ(text(r.uri), "/very/long/pa");
  EXPECT_TRUE(r.uri_cut);
  EXPECT_TRUE(r.version.empty());
  EXPECT_FALSE(r.has_host);
}

TEST(HttpMessage, RecognisesMethodsAndStatusLines) {
  EXPECT_TRUE(looks_like_http_request(as_bytes("OPTIONS * HTTP/1.1\r\n")));
  EXPECT_TRUE(looks_like_http_request(as_bytes("CONNECT a:443 HTTP/1.1\r\n")));
  EXPECT_FALSE(looks_like_http_request(as_bytes("GETX / HTTP/1.1\r\n")));
  EXPECT_FALSE(looks_like_http_request(as_bytes("get / HTTP/1.1\r\n")));
  EXPECT_FALSE(looks_like_http_request(as_bytes("GET")));
  EXPECT_EQ(parse_http_status(as_bytes("HTTP/1.1 204 No Content\r\n")), 204);
  EXPECT_EQ(parse_http_status(as_bytes("HTTP/1.0 404")), 404);
  EXPECT_EQ(parse_http_status(as_bytes("HTTP/1.1 2000 Nope\r\n")), 0);
  EXPECT_EQ(parse_http_status(as_bytes("HTTP/2 200\r\n")), 0);
  EXPECT_EQ(parse_http_status(as_bytes("HTTP/1.1 2x0 Bad\r\n")), 0);
}

}  // namespace
}  // namespace nta::test
