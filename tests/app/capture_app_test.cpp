// The inspector on real captures (../shared/data/pcaps/benign, skipped when absent): every packet of
// each capture goes through decode() and inspect_app() with a minimal flow table, and the fields
// found are compared with what tshark shows for the same files (docs/app_layer.md).
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "app/app_inspector.h"
#include "app/tls_hello.h"
#include "decode/decoder.h"

namespace nta::test {
namespace {

namespace fs = std::filesystem;

const fs::path kBenign = fs::path(NTA_SHARED_DATA_DIR) / "pcaps" / "benign";

using Endpoint = std::pair<IpAddress, std::uint16_t>;
using Key = std::tuple<std::uint8_t, Endpoint, Endpoint>;

struct FlowResult {
  Endpoint orig;
  std::uint8_t proto = 0;
  std::uint16_t orig_port = 0;
  std::uint16_t resp_port = 0;
  AppState state;
  std::unique_ptr<AppInfo> info;
};

// Reads the whole capture with libpcap; one FlowResult per bidirectional 5-tuple, the originator
// being the sender of the flow's first packet.
std::vector<FlowResult> inspect_capture(const fs::path& path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (p == nullptr) {
    ADD_FAILURE() << "cannot open " << path << ": " << err;
    return {};
  }
  const auto link = static_cast<LinkType>(pcap_datalink(p));
  std::map<Key, std::size_t> index;
  std::vector<FlowResult> flows;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1) {
    RawPacket pkt;
    pkt.link = link;
    pkt.wire_len = h->len;
    pkt.data = {data, h->caplen};
    const PacketView v = decode(pkt);
    if (!v.has_ports) continue;
    const Endpoint src{v.src_ip, v.src_port};
    const Endpoint dst{v.dst_ip, v.dst_port};
    const Key key{v.ip_proto, std::min(src, dst), std::max(src, dst)};
    auto [it, added] = index.try_emplace(key, flows.size());
    if (added) {
      flows.emplace_back();
      flows.back().proto = v.ip_proto;
      flows.back().orig = src;
      flows.back().orig_port = v.src_port;
      flows.back().resp_port = v.dst_port;
    }
    FlowResult& f = flows[it->second];
    const bool from_orig = src == f.orig;
    inspect_app(v, from_orig, f.state, f.info);
  }
  pcap_close(p);
  return flows;
}

#define SKIP_WITHOUT(file)           \
  if (!fs::exists(kBenign / (file))) \
  GTEST_SKIP() << "shared capture " << (kBenign / (file)) << " is absent (needs ../shared/data beside the checkout)"

TEST(AppCaptures, HttpBroOrg) {
  SKIP_WITHOUT("http_bro_org.pcap");
  const auto flows = inspect_capture(kBenign / "http_bro_org.pcap");
  std::set<std::string> uris, hosts, agents, methods;
  std::multiset<std::uint16_t> statuses;
  int http_by_content = 0;
  for (const auto& f : flows) {
    EXPECT_EQ(f.state.service, Service::kHttp);  // port 80 for all of them
    if (!f.state.service_from_content()) continue;
    ++http_by_content;
    ASSERT_TRUE(f.info);
    uris.insert(f.info->http_uri);
    hosts.insert(f.info->http_host);
    agents.insert(f.info->http_user_agent);
    methods.insert(f.info->http_method);
    statuses.insert(f.info->http_status);
  }
  // tshark -Y http.request -T fields -e tcp.stream -e http.request.uri: 8 streams with requests,
  // first URIs below; Host bro.org except www.bro.org for the .asc download (stream 6), one
  // User-Agent, every response 200.
  EXPECT_EQ(http_by_content, 8);
  EXPECT_EQ(uris, (std::set<std::string>{"/", "/css/print.css", "/js/jquery.cycle.all.min.js",
                                         "/js/jquery.fancybox-1.3.4.pack.js", "/css/960.css",
                                         "/css/bro-ids.css", "/downloads/release/binpac-0.41.tar.gz.asc",
                                         "/download/CHANGES.binpac.txt"}));
  EXPECT_EQ(hosts, (std::set<std::string>{"bro.org", "www.bro.org"}));
  EXPECT_EQ(methods, (std::set<std::string>{"GET"}));
  EXPECT_EQ(agents,
            (std::set<std::string>{"Mozilla/5.0 (X11; Linux i686; rv:24.0) Gecko/20100101 Firefox/24.0"}));
  EXPECT_EQ(statuses, (std::multiset<std::uint16_t>{200, 200, 200, 200, 200, 200, 200, 200}));
}

TEST(AppCaptures, TlsFirefox) {
  SKIP_WITHOUT("tls_firefox_443.pcap");
  const auto flows = inspect_capture(kBenign / "tls_firefox_443.pcap");
  int tls = 0;
  for (const auto& f : flows) {
    if (f.state.service != Service::kSsl) continue;
    ++tls;
    EXPECT_TRUE(f.state.service_from_content());
    ASSERT_TRUE(f.info);
    // tshark: tls.handshake.extensions_server_name www.ntop.org, ALPN h2,http/1.1, supported
    // versions 0x0304..0x0301; the ServerHello has no supported_versions and says 0x0303.
    EXPECT_EQ(f.info->tls_sni, "www.ntop.org");
    EXPECT_EQ(f.info->tls_alpn, "h2,http/1.1");
    EXPECT_EQ(f.info->tls_version, tlsversion::kTls13);
    EXPECT_EQ(f.info->tls_server_version, tlsversion::kTls12);
    EXPECT_FALSE(f.info->tls_truncated);
    EXPECT_TRUE(f.state.done());
  }
  EXPECT_EQ(tls, 1);
}

TEST(AppCaptures, SshBanners) {
  SKIP_WITHOUT("ssh_session.pcap");
  const auto flows = inspect_capture(kBenign / "ssh_session.pcap");
  std::multiset<std::string> pairs;
  for (const auto& f : flows) {
    if (!f.info || f.state.service != Service::kSsh) continue;
    EXPECT_TRUE(f.state.service_from_content());
    pairs.insert(f.info->ssh_client_banner + " | " + f.info->ssh_server_banner);
  }
  // tshark -Y ssh.protocol (with ports 2200 and 41644 decoded as SSH): 22 sessions.
  const std::string s199 = "SSH-1.99-OpenSSH_6.6.1p1 Ubuntu-2ubuntu2";
  const std::string cmu = "SSH-1.99-OpenSSH_3.4+p1+gssapi+OpenSSH_3.7.1buf_fix+2006100301";
  std::multiset<std::string> expected = {
      "SSH-2.0-OpenSSH_5.9 | SSH-2.0-OpenSSH_5.8",
      "SSH-2.0-OpenSSH_6.6 | SSH-2.0-OpenSSH_5.9p1 Debian-5ubuntu1.1",  // port 41644
      "SSH-2.0-OpenSSH_6.2 | " + s199,
      "SSH-1.5-OpenSSH_6.2 | " + s199,
      "SSH-2.0-OpenSSH_6.2 | SSH-2.0-paramiko_1.15.2",  // port 2200
      "SSH-1.5-OpenSSH_5.3 | " + s199,
      "SSH-2.0-OpenSSH_6.2 | " + s199,
      "SSH-2.0-OpenSSH_6.6p1-hpn14v4 | " + cmu,
      "SSH-2.0-OpenSSH_6.6p1-hpn14v4 | SSH-2.0-OpenSSH_5.3",
      "SSH-2.0-OpenSSH_6.6 | " + cmu,
      "SSH-2.0-OpenSSH_6.7 | SSH-2.0-OpenSSH_6.7",
      "SSH-2.0-OpenSSH_6.7 | SSH-2.0-OpenSSH_6.7",
  };
  for (int i = 0; i < 7; ++i) expected.insert("SSH-1.5-OpenSSH_6.2 | " + s199);
  for (int i = 0; i < 3; ++i) expected.insert("SSH-2.0-OpenSSH_6.7 | SSH-2.0-OpenSSH_5.3");
  EXPECT_EQ(pairs, expected);
}

TEST(AppCaptures, DnsQueryNames) {
  SKIP_WITHOUT("dns_edns_ecs.pcap");
  const auto flows = inspect_capture(kBenign / "dns_edns_ecs.pcap");
  std::set<std::string> names;
  int dns = 0;
  for (const auto& f : flows) {
    if (f.state.service != Service::kDns) continue;
    ++dns;
    if (f.info && !f.info->dns_query.empty()) names.insert(f.info->dns_query);
  }
  EXPECT_GT(dns, 0);
  // tshark -T fields -e dns.qry.name | sort -u
  const std::set<std::string> expected = {"atlas-ui.ripe.net",
                                          "atlas.ripe.net",
                                          "erfpop.de",
                                          "fg2-mgmt.weberlab.de",
                                          "fg2.weberlab.de",
                                          "formel1.de",
                                          "netflix.com",
                                          "ns-1372.awsdns-43.org",
                                          "ns-1489.awsdns-58.org",
                                          "ns-1606.awsdns-08.co.uk",
                                          "ns-1984.awsdns-56.co.uk",
                                          "ns-375.awsdns-46.com",
                                          "ns-659.awsdns-18.net",
                                          "ns-749.awsdns-29.net",
                                          "ns1.weberdns.de",
                                          "ns2.weberdns.de",
                                          "pa.weberlab.de",
                                          "pdns154.ultradns.biz",
                                          "pdns154.ultradns.com",
                                          "pdns154.ultradns.net",
                                          "pdns154.ultradns.org",
                                          "ripe.net",
                                          "sigfail.verteiltesysteme.net",
                                          "sigok.verteiltesysteme.net",
                                          "weberdns.de",
                                          "weberlab.de",
                                          "www.eu-west-1.prodaa.netflix.com",
                                          "www.geo.netflix.com",
                                          "www.netflix.com"};
  EXPECT_EQ(names, expected);
}

// Every capture in the folder: no crash, no sanitizer report, and strings that are printable.
TEST(AppCaptures, EveryBenignCaptureGivesPrintableFields) {
  if (!fs::exists(kBenign)) GTEST_SKIP() << kBenign << " is absent (needs ../shared/data beside the checkout)";
  std::size_t files = 0, with_info = 0;
  for (const auto& e : fs::directory_iterator(kBenign)) {
    ++files;
    for (const auto& f : inspect_capture(e.path())) {
      if (!f.info) continue;
      ++with_info;
      const AppInfo& a = *f.info;
      for (const std::string* s :
           {&a.dns_query, &a.http_method, &a.http_uri, &a.http_host, &a.http_user_agent, &a.tls_sni,
            &a.tls_alpn, &a.ssh_client_banner, &a.ssh_server_banner}) {
        EXPECT_LE(s->size(), kMaxAppFieldLen);
        EXPECT_TRUE(std::all_of(s->begin(), s->end(), [](char c) { return c >= 0x20 && c <= 0x7e; }))
            << e.path() << ": " << *s;
      }
    }
  }
  EXPECT_GT(files, 10u);
  EXPECT_GT(with_info, 100u);
}

}  // namespace
}  // namespace nta::test
