#include "synth/app_payloads.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace nta {
namespace {

std::uint32_t be(const std::uint8_t* p, int n) {
  std::uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}

TEST(TlsPayload, ClientHelloIsPaddedTo512BytesOfHandshake) {
  std::array<std::uint8_t, 1024> out{};
  Rng rng(1);
  const TlsSessionId sid{};
  const std::size_t n = write_tls_client_hello(out, "www.example.com", sid, rng);
  EXPECT_EQ(n, 517u);
  EXPECT_EQ(n, tls_client_hello_size("www.example.com"));
  EXPECT_EQ(out[0], 22);
  EXPECT_EQ(be(&out[3], 2), 512u);  // record length
  EXPECT_EQ(out[5], 1);             // client_hello
  EXPECT_EQ(be(&out[6], 3), 508u);  // handshake length
  // The extensions block ends exactly at the end of the record.
  std::size_t p = 9 + 2 + 32;
  p += 1u + out[p];         // session id
  p += 2 + be(&out[p], 2);  // cipher suites
  p += 1u + out[p];         // compression
  const std::size_t ext_end = p + 2 + be(&out[p], 2);
  EXPECT_EQ(ext_end, n);
  // Walk the extensions: each length must land inside the block, and SNI carries the name.
  std::string sni;
  for (std::size_t q = p + 2; q < ext_end;) {
    const std::uint32_t type = be(&out[q], 2);
    const std::uint32_t len = be(&out[q + 2], 2);
    ASSERT_LE(q + 4 + len, ext_end);
    if (type == 0) sni.assign(reinterpret_cast<const char*>(&out[q + 9]), be(&out[q + 7], 2));
    q += 4 + len;
  }
  EXPECT_EQ(sni, "www.example.com");
}

TEST(TlsPayload, ServerHelloAndChangeCipherSpecHaveTheAdvertisedSize) {
  std::array<std::uint8_t, 512> out{};
  Rng rng(2);
  const std::size_t n = write_tls_server_hello(out, TlsSessionId{}, rng);
  EXPECT_EQ(n, kTlsServerHelloSize);
  EXPECT_EQ(be(&out[3], 2) + 5, n - 6);
  EXPECT_EQ(out[n - 6], 20);  // ChangeCipherSpec
}

TEST(SshPayload, PacketsArePaddedToTheBlockSize) {
  std::array<std::uint8_t, 4096> out{};
  Rng rng(3);
  for (bool server : {false, true}) {
    const std::size_t n = write_ssh_kexinit(out, server, rng);
    ASSERT_GT(n, 0u);
    EXPECT_EQ(be(&out[0], 4) + 4, n);
    EXPECT_EQ(n % 8, 0u);
    EXPECT_GE(out[4], 4);
    EXPECT_EQ(out[5], 20);  // SSH_MSG_KEXINIT
  }
  EXPECT_EQ(write_ssh_ecdh_init(out, rng), 48u);
  const std::size_t reply = write_ssh_ecdh_reply(out, rng);
  EXPECT_EQ(reply, be(&out[0], 4) + 4 + 16);  // the reply, then a 16-byte NEWKEYS packet
  EXPECT_EQ(out[reply - 16 + 5], 21);
}

TEST(SshPayload, SameSeedReproducesTheKexinit) {
  std::array<std::uint8_t, 4096> a{};
  std::array<std::uint8_t, 4096> b{};
  Rng ra(42);
  Rng rb(42);
  const std::size_t n = write_ssh_kexinit(a, false, ra);
  ASSERT_EQ(write_ssh_kexinit(b, false, rb), n);
  EXPECT_TRUE(std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin()));
}

TEST(NtpPayload, TimestampsCountFrom1900) {
  // 2024-02-19 14:30:00.5 UTC
  const std::uint64_t t = ntp_timestamp(1'708'353'000'500'000'000LL);
  EXPECT_EQ(t >> 32, 1'708'353'000ULL + 2'208'988'800ULL);
  EXPECT_EQ(t & 0xffffffff, 0x80000000ULL);
}

TEST(HttpDate, FormatsImfFixdate) {
  char out[kHttpDateSize + 1] = {};
  format_http_date(1'708'353'000, out);
  EXPECT_STREQ(out, "Mon, 19 Feb 2024 14:30:00 GMT");
  format_http_date(0, out);
  EXPECT_STREQ(out, "Thu, 01 Jan 1970 00:00:00 GMT");
  format_http_date(951'782'400, out);  // leap day
  EXPECT_STREQ(out, "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(NbnsPayload, NodeStatusQueryForStar) {
  std::array<std::uint8_t, kNbnsNodeStatusSize> out{};
  write_nbns_node_status(out, 0xabcd);
  EXPECT_EQ(be(&out[0], 2), 0xabcdu);
  EXPECT_EQ(out[12], 32);
  EXPECT_EQ(out[13], 'C');
  EXPECT_EQ(out[14], 'K');
  EXPECT_EQ(be(&out[46], 2), 0x21u);
}

}  // namespace
}  // namespace nta
