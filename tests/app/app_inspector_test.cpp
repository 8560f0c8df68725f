#include "app/app_inspector.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "app/tls_hello.h"
#include "tls_test_messages.h"
#include "wire_bytes.h"

namespace nta::test {
namespace {

// One flow between a client (the originator) and a server, fed packet by packet.
class Flow {
 public:
  Flow(std::uint8_t proto, std::uint16_t client_port, std::uint16_t server_port)
      : proto_(proto), client_port_(client_port), server_port_(server_port) {}

  void client(std::span<const std::uint8_t> payload) { send(true, payload); }
  void server(std::span<const std::uint8_t> payload) { send(false, payload); }
  void client(std::string_view s) { client(as_bytes(s)); }
  void server(std::string_view s) { server(as_bytes(s)); }
  void send(bool from_client, std::span<const std::uint8_t> payload) {
    PacketView v;
    v.ip_proto = proto_;
    v.has_ports = true;
    v.has_l4 = true;
    v.src_port = from_client ? client_port_ : server_port_;
    v.dst_port = from_client ? server_port_ : client_port_;
    v.l4_payload = payload;
    v.l4_payload_len = static_cast<std::uint32_t>(payload.size());
    inspect_app(v, from_client, state, info);
  }

  AppState state;
  std::unique_ptr<AppInfo> info;

 private:
  std::uint8_t proto_;
  std::uint16_t client_port_;
  std::uint16_t server_port_;
};

WireBytes dns(unsigned id, unsigned flags, std::string_view name, unsigned qtype, unsigned answers = 0) {
  WireBytes b;
  b.be16(id).be16(flags).be16(1).be16(answers).be16(0).be16(0).dns_name(name).be16(qtype).be16(1);
  for (unsigned i = 0; i < answers; ++i)
    b.raw({0xc0, 12}).be16(qtype).be16(1).be16(0).be16(60).be16(4).raw({192, 0, 2, 1});
  return b;
}

// ---- DNS ---------------------------------------------------------------------------------------

TEST(AppInspector, DnsQueryAndResponseOverUdp) {
  Flow f(ipproto::kUdp, 40000, 53);
  f.client(dns(0xbeef, 0x0100, "www.example.com", 1).span());
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.state.service, Service::kDns);
  EXPECT_TRUE(f.state.service_from_content());
  EXPECT_FALSE(f.state.done());
  f.server(dns(0xbeef, 0x8183, "www.example.com", 1).span());
  const AppInfo& a = *f.info;
  EXPECT_EQ(a.dns_query, "www.example.com");
  EXPECT_EQ(a.dns_qtype, 1);
  EXPECT_TRUE(a.dns_seen_query);
  EXPECT_TRUE(a.dns_seen_response);
  EXPECT_EQ(a.dns_rcode, 3);
  EXPECT_EQ(a.dns_answers, 0);
  EXPECT_TRUE(f.state.done());
}

TEST(AppInspector, DnsResponseOfAnotherTransactionIsSkipped) {
  Flow f(ipproto::kUdp, 40001, 53);
  f.client(dns(1, 0x0100, "a.example", 1).span());
  f.client(dns(2, 0x0100, "a.example", 28).span());  // the AAAA query from the same socket
  f.server(dns(2, 0x8180, "a.example", 28, 0).span());
  EXPECT_FALSE(f.info->dns_seen_response);
  f.server(dns(1, 0x8180, "a.example", 1, 2).span());
  EXPECT_TRUE(f.info->dns_seen_response);
  EXPECT_EQ(f.info->dns_answers, 2);
  EXPECT_EQ(f.info->dns_qtype, 1);
}

TEST(AppInspector, DnsOverTcpWithItsLengthPrefix) {
  const WireBytes q = dns(9, 0x0100, "example.net", 252);  // AXFR
  WireBytes framed;
  framed.be16(static_cast<unsigned>(q.size())).append(q.span());
  Flow f(ipproto::kTcp, 40002, 53);
  f.client(framed.span());
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.state.service, Service::kDns);
  EXPECT_TRUE(f.state.service_from_content());
  EXPECT_EQ(f.info->dns_query, "example.net");
  EXPECT_EQ(f.info->dns_qtype, 252);
  const WireBytes r = dns(9, 0x8180, "example.net", 252, 1);
  WireBytes rframed;
  rframed.be16(static_cast<unsigned>(r.size())).append(r.span());
  f.server(rframed.span());
  EXPECT_TRUE(f.info->dns_seen_response);
  EXPECT_EQ(f.info->dns_answers, 1);
}

TEST(AppInspector, DnsOverTcpWithTheLengthInASegmentOfItsOwn) {
  const WireBytes q = dns(10, 0x0100, "split.example", 1);
  WireBytes len;
  len.be16(static_cast<unsigned>(q.size()));
  Flow f(ipproto::kTcp, 40005, 53);
  f.client(len.span());
  EXPECT_FALSE(f.info);
  f.client(q.span());
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->dns_query, "split.example");
  EXPECT_TRUE(f.state.service_from_content());
}

TEST(AppInspector, DnsNameWithControlBytesIsStoredEscaped) {
  WireBytes q;
  q.be16(3).be16(0x0100).be16(1).be16(0).be16(0).be16(0);
  q.u8(5).raw({'e', 'v', 0x07, 'l', 0x1b}).u8(3).text("com").u8(0).be16(16).be16(1);
  Flow f(ipproto::kUdp, 40003, 53);
  f.client(q.span());
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->dns_query, "ev\\x07l\\x1b.com");
}

TEST(AppInspector, MalformedDnsOnItsPortIsFlaggedNotIdentified) {
  WireBytes q;
  q.be16(4).be16(0x0100).be16(1).be16(0).be16(0).be16(0).raw({0xc0, 12}).be16(1).be16(1);  // loop
  Flow f(ipproto::kUdp, 40004, 53);
  f.client(q.span());
  ASSERT_TRUE(f.info);
  EXPECT_TRUE(f.info->dns_malformed);
  EXPECT_TRUE(f.info->dns_query.empty());
  EXPECT_EQ(f.state.service, Service::kDns);  // from the port table
  EXPECT_FALSE(f.state.service_from_content());
}

// ---- HTTP --------------------------------------------------------------------------------------

TEST(AppInspector, HttpRequestAndResponse) {
  Flow f(ipproto::kTcp, 50000, 80);
  f.client(std::string_view{});  // the SYN
  f.server(std::string_view{});
  EXPECT_FALSE(f.info);
  f.client("GET /download/index.html HTTP/1.1\r\nHost: bro.org\r\nUser-Agent: Mozilla/5.0 (X11)\r\n\r\n");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.state.service, Service::kHttp);
  EXPECT_TRUE(f.state.service_from_content());
  f.server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  const AppInfo& a = *f.info;
  EXPECT_EQ(a.http_method, "GET");
  EXPECT_EQ(a.http_uri, "/download/index.html");
  EXPECT_EQ(a.http_host, "bro.org");
  EXPECT_EQ(a.http_user_agent, "Mozilla/5.0 (X11)");
  EXPECT_EQ(a.http_status, 200);
  EXPECT_TRUE(f.state.done());
  EXPECT_EQ(a.truncated_fields, 0);
}

TEST(AppInspector, HttpRequestSplitBeforeHostLeavesHostAbsent) {
  Flow f(ipproto::kTcp, 50001, 80);
  f.client("GET /a HTTP/1.1\r\nUser-Agent: curl/8.0\r\nHo");
  f.client("st: www.example.com\r\n\r\n");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->http_uri, "/a");
  EXPECT_EQ(f.info->http_user_agent, "curl/8.0");
  EXPECT_TRUE(f.info->http_host.empty());
}

TEST(AppInspector, HttpInterimStatusGivesWayToTheFinalOne) {
  Flow f(ipproto::kTcp, 50002, 8080);
  f.client("POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
  f.server("HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(f.info->http_status, 100);
  EXPECT_FALSE(f.state.done());
  f.client("data");
  f.server("HTTP/1.1 201 Created\r\n\r\n");
  EXPECT_EQ(f.info->http_status, 201);
  EXPECT_TRUE(f.state.done());
}

TEST(AppInspector, HttpFieldsAreCappedAndMarked) {
  Flow f(ipproto::kTcp, 50003, 80);
  const std::string uri = "/" + std::string(3000, 'x');
  f.client("GET " + uri + " HTTP/1.1\r\nHost: a\x01z\r\n\r\n");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->http_uri.size(), kMaxAppFieldLen);
  EXPECT_TRUE(f.info->truncated(AppField::kHttpUri));
  EXPECT_FALSE(f.info->truncated(AppField::kHttpHost));
  EXPECT_EQ(f.info->http_host, "a\\x01z");
}

TEST(AppInspector, HttpRequestLineCutByTheSegmentIsMarkedTruncated) {
  Flow f(ipproto::kTcp, 50004, 80);
  f.client("GET /only/part/of/the/ur");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->http_uri, "/only/part/of/the/ur");
  EXPECT_TRUE(f.info->truncated(AppField::kHttpUri));
}

// ---- TLS ---------------------------------------------------------------------------------------

TEST(AppInspector, TlsClientAndServerHello) {
  Flow f(ipproto::kTcp, 50010, 443);
  f.client(
      client_hello({.sni = "www.ntop.org", .alpn = {"h2", "http/1.1"}, .versions = {0x0a0a, 0x0304, 0x0303}})
          .span());
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.state.service, Service::kSsl);
  EXPECT_TRUE(f.state.service_from_content());
  EXPECT_EQ(f.info->tls_sni, "www.ntop.org");
  EXPECT_EQ(f.info->tls_alpn, "h2,http/1.1");
  EXPECT_EQ(f.info->tls_version, tlsversion::kTls13);
  f.server(server_hello(0x0304).span());
  EXPECT_EQ(f.info->tls_server_version, tlsversion::kTls13);
  EXPECT_TRUE(f.state.done());
}

TEST(AppInspector, TlsAlpnWithACommaAndAHostileSni) {
  Flow f(ipproto::kTcp, 50011, 443);
  f.client(client_hello({.sni = std::string("evil\n.com"), .alpn = {"a,b", "c"}}).span());
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->tls_sni, "evil\\x0a.com");
  EXPECT_EQ(f.info->tls_alpn, "a\\x2cb,c");
  EXPECT_EQ(f.info->tls_version, 0x0303);
}

TEST(AppInspector, TlsHelloCutBySegmentIsFlagged) {
  const WireBytes ch = client_hello({.sni = "cut.example", .alpn = {"h2"}, .versions = {0x0304}});
  Flow f(ipproto::kTcp, 50012, 443);
  f.client(ch.first(ch.size() - 3));
  ASSERT_TRUE(f.info);
  EXPECT_TRUE(f.info->tls_truncated);
  EXPECT_EQ(f.info->tls_sni, "cut.example");
  EXPECT_TRUE(f.info->tls_alpn.empty());
  // The rest of the hello in the next segment is not reassembled and changes nothing.
  f.client(ch.span().subspan(ch.size() - 3));
  EXPECT_TRUE(f.info->tls_alpn.empty());
}

// ---- SSH ---------------------------------------------------------------------------------------

TEST(AppInspector, SshBannersOfBothSides) {
  Flow f(ipproto::kTcp, 50020, 2222);
  f.server("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n");
  f.client("SSH-2.0-OpenSSH_9.6\r\n");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.state.service, Service::kSsh);
  EXPECT_TRUE(f.state.service_from_content());
  EXPECT_EQ(f.info->ssh_server_banner, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6");
  EXPECT_EQ(f.info->ssh_client_banner, "SSH-2.0-OpenSSH_9.6");
  EXPECT_TRUE(f.state.done());
}

TEST(AppInspector, SshServerMaySendLinesBeforeItsBannerOnPort22) {
  Flow f(ipproto::kTcp, 50021, 22);
  f.server("Authorized use only\r\nSSH-2.0-Server\r\n");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->ssh_server_banner, "SSH-2.0-Server");
  EXPECT_TRUE(f.state.service_from_content());
}

TEST(AppInspector, SshBannerWithoutLineEndIsMarkedTruncated) {
  Flow f(ipproto::kTcp, 50022, 22);
  f.client("SSH-2.0-cut");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->ssh_client_banner, "SSH-2.0-cut");
  EXPECT_TRUE(f.info->truncated(AppField::kSshClientBanner));
}

// ---- Service precedence ------------------------------------------------------------------------

TEST(AppInspector, ContentBeatsThePort) {
  Flow http_on_443(ipproto::kTcp, 50030, 443);
  http_on_443.client("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(http_on_443.state.service, Service::kHttp);

  Flow tls_on_22(ipproto::kTcp, 50031, 22);
  tls_on_22.client(client_hello({.sni = "t"}).span());
  EXPECT_EQ(tls_on_22.state.service, Service::kSsl);

  Flow ssh_on_80(ipproto::kTcp, 50032, 80);
  ssh_on_80.client("SSH-2.0-x\r\n");
  EXPECT_EQ(ssh_on_80.state.service, Service::kSsh);

  Flow tls_high(ipproto::kTcp, 50033, 40443);
  tls_high.client(client_hello({.sni = "h"}).span());
  EXPECT_EQ(tls_high.state.service, Service::kSsl);
  EXPECT_TRUE(tls_high.state.service_from_content());
}

TEST(AppInspector, PortIsTheFallbackWhenContentSaysNothing) {
  Flow rdp(ipproto::kTcp, 50040, 3389);
  rdp.client(std::string_view("\x03\x00\x00\x13\x0e\xe0", 6));
  EXPECT_EQ(rdp.state.service, Service::kRdp);
  EXPECT_FALSE(rdp.state.service_from_content());
  EXPECT_FALSE(rdp.info);  // nothing found: nothing allocated

  Flow https_no_hello(ipproto::kTcp, 50041, 443);
  https_no_hello.client(std::string_view{});  // only a SYN
  EXPECT_EQ(https_no_hello.state.service, Service::kSsl);
  EXPECT_FALSE(https_no_hello.state.service_from_content());

  Flow ntp(ipproto::kUdp, 123, 123);
  ntp.client(std::string(48, '\x23'));
  EXPECT_EQ(ntp.state.service, Service::kNtp);

  Flow unknown(ipproto::kTcp, 50042, 40000);
  unknown.client("hello");
  EXPECT_EQ(unknown.state.service, Service::kUnknown);
  EXPECT_EQ(service_name(unknown.state.service), "");
}

TEST(AppInspector, DnsIsOnlyTriedOnDnsPorts) {
  Flow f(ipproto::kUdp, 40000, 9999);
  f.client(dns(1, 0x0100, "example.com", 1).span());
  EXPECT_EQ(f.state.service, Service::kUnknown);
  EXPECT_FALSE(f.info);
}

// ---- Cost limits -------------------------------------------------------------------------------

TEST(AppInspector, StopsAfterAFewPayloadPacketsPerDirection) {
  Flow f(ipproto::kTcp, 50050, 40001);
  for (int i = 0; i < kAppMaxPayloadPackets; ++i) f.client("opaque");
  EXPECT_EQ(f.state.orig_payloads, kAppMaxPayloadPackets);
  EXPECT_NE(f.state.flags & AppState::kOrigDone, 0);
  EXPECT_FALSE(f.state.done());
  f.client("GET / HTTP/1.1\r\n\r\n");  // too late: not looked at
  EXPECT_EQ(f.state.orig_payloads, kAppMaxPayloadPackets);
  EXPECT_FALSE(f.info);
  for (int i = 0; i < kAppMaxPayloadPackets; ++i) f.server("opaque");
  EXPECT_TRUE(f.state.done());
}

TEST(AppInspector, PacketsWithoutPayloadAreNotCounted) {
  Flow f(ipproto::kTcp, 50051, 80);
  for (int i = 0; i < 10; ++i) f.client(std::string_view{});
  EXPECT_EQ(f.state.orig_payloads, 0);
  f.client("GET / HTTP/1.1\r\nHost: late.example\r\n\r\n");
  ASSERT_TRUE(f.info);
  EXPECT_EQ(f.info->http_host, "late.example");
}

TEST(AppInspector, NonPortProtocolsAreDoneAtOnce) {
  PacketView v;
  v.ip_proto = ipproto::kIcmp;
  v.has_l4 = true;
  const std::uint8_t data[] = {1, 2, 3};
  v.l4_payload = data;
  AppState s;
  std::unique_ptr<AppInfo> info;
  inspect_app(v, true, s, info);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.service, Service::kUnknown);
  EXPECT_FALSE(info);
}

// Robustness (meaningful under the sanitizers): every prefix of each message, and seeded random
// byte mutations of them, through both directions of flows on the ports that select each parser.
TEST(AppInspector, PrefixesAndMutationsOfMessagesAreSafe) {
  const std::string http_req = "GET /x HTTP/1.1\r\nHost: a\r\nUser-Agent: b\r\n\r\n";
  const std::string http_resp = "HTTP/1.1 200 OK\r\n\r\n";
  const std::string ssh = "SSH-2.0-OpenSSH_9.6\r\n";
  WireBytes tcp_dns;
  const WireBytes q = dns(5, 0x8180, "www.example.com", 1, 2);
  tcp_dns.be16(static_cast<unsigned>(q.size())).append(q.span());
  const std::vector<std::vector<std::uint8_t>> messages = {
      client_hello({.sni = "a.example", .alpn = {"h2"}, .versions = {0x0304}}).bytes(),
      server_hello(0x0304).bytes(),
      q.bytes(),
      tcp_dns.bytes(),
      {http_req.begin(), http_req.end()},
      {http_resp.begin(), http_resp.end()},
      {ssh.begin(), ssh.end()},
  };
  const std::uint16_t ports[] = {443, 53, 80, 22};
  std::mt19937 rng(12345);
  std::size_t found = 0;
  for (const auto& m : messages) {
    for (const std::uint8_t proto : {ipproto::kTcp, ipproto::kUdp}) {
      for (const std::uint16_t port : ports) {
        for (std::size_t n = 0; n <= m.size(); ++n) {
          Flow f(proto, 40000, port);
          f.client(std::span<const std::uint8_t>(m).first(n));
          f.server(std::span<const std::uint8_t>(m).first(n));
          found += f.info != nullptr;
        }
        for (int round = 0; round < 200; ++round) {
          std::vector<std::uint8_t> bad = m;
          const int flips = 1 + static_cast<int>(rng() % 8);
          for (int k = 0; k < flips && !bad.empty(); ++k)
            bad[rng() % bad.size()] = static_cast<std::uint8_t>(rng());
          Flow f(proto, 40000, port);
          f.client(bad);
          f.server(bad);
          if (f.info) {
            for (const std::string* str : {&f.info->dns_query, &f.info->http_uri, &f.info->http_host,
                                           &f.info->tls_sni, &f.info->tls_alpn, &f.info->ssh_server_banner}) {
              for (const char c : *str) ASSERT_TRUE(c >= 0x20 && c <= 0x7e);
            }
          }
        }
      }
    }
  }
  EXPECT_GT(found, 100u);
}

}  // namespace
}  // namespace nta::test
