// Community ID v1 against the specification's baseline vectors (every entry of the three JSON files)
// and its README tables.
#include "flow/community_id.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "flow_test_util.h"

namespace nta {
namespace {

using namespace nta::test;

// One baseline entry: {"proto": 6, "saddr": "...", "daddr": "...", "sport": 1, "dport": 2,
// "communityid": "1:..."}; ports may be null.
struct Vector {
  int proto = -1;
  std::string saddr;
  std::string daddr;
  std::optional<int> sport;
  std::optional<int> dport;
  std::string expected;
};

// A reader for exactly the baseline files' shape: an array of flat objects whose values are strings,
// integers or null. Throws on anything else, so a changed format fails loudly.
class BaselineReader {
 public:
  explicit BaselineReader(std::string text) : s_(std::move(text)) {}

  std::vector<Vector> read() {
    std::vector<Vector> out;
    expect('[');
    if (peek() == ']') return out;
    for (;;) {
      out.push_back(object());
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect(']');
      return out;
    }
  }

 private:
  Vector object() {
    expect('{');
    Vector v;
    for (;;) {
      const std::string key = string();
      expect(':');
      skip();
      if (s_.compare(i_, 4, "null") == 0) {
        i_ += 4;
      } else if (s_[i_] == '"') {
        const std::string value = string();
        if (key == "saddr")
          v.saddr = value;
        else if (key == "daddr")
          v.daddr = value;
        else if (key == "communityid")
          v.expected = value;
        else
          throw std::runtime_error("unexpected string field " + key);
      } else {
        const int value = number();
        if (key == "proto")
          v.proto = value;
        else if (key == "sport")
          v.sport = value;
        else if (key == "dport")
          v.dport = value;
        else
          throw std::runtime_error("unexpected number field " + key);
      }
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      return v;
    }
  }
  std::string string() {
    expect('"');
    const std::size_t end = s_.find('"', i_);
    if (end == std::string::npos) throw std::runtime_error("unterminated string");
    std::string out = s_.substr(i_, end - i_);
    i_ = end + 1;
    return out;
  }
  int number() {
    std::size_t used = 0;
    const int v = std::stoi(s_.substr(i_), &used);
    i_ += used;
    return v;
  }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])) != 0) ++i_;
  }
  char peek() {
    skip();
    if (i_ >= s_.size()) throw std::runtime_error("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) throw std::runtime_error(std::string("expected '") + c + "' at " + std::to_string(i_));
    ++i_;
  }

  std::string s_;
  std::size_t i_ = 0;
};

const std::filesystem::path kDataDir = std::filesystem::path(NTA_SHARED_DATA_DIR) / "community-id";

std::vector<Vector> load(const char* name) {
  std::ifstream in(kDataDir / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return BaselineReader(ss.str()).read();
}

std::string compute(const Vector& v, const CommunityIdOptions& options) {
  const CommunityIdTuple t = community_id_tuple(
      static_cast<std::uint8_t>(v.proto), ip(v.saddr.c_str()), ip(v.daddr.c_str()),
      static_cast<std::uint16_t>(v.sport.value_or(0)), static_cast<std::uint16_t>(v.dport.value_or(0)));
  return community_id(t, options);
}

void check_file(const char* name, const CommunityIdOptions& options) {
  if (!std::filesystem::exists(kDataDir / name)) {
    GTEST_SKIP() << "Community ID baseline " << (kDataDir / name).string()
                 << " not found (copy baseline/*.json of corelight/community-id-spec there to run this test)";
  }
  const std::vector<Vector> vectors = load(name);
  ASSERT_EQ(vectors.size(), 23u) << name << ": the spec's baseline has 23 tuples";
  for (const Vector& v : vectors) {
    EXPECT_EQ(v.sport.has_value(), has_port_semantics(static_cast<std::uint8_t>(v.proto)));
    EXPECT_EQ(compute(v, options), v.expected)
        << name << ": proto " << v.proto << " " << v.saddr << ":" << v.sport.value_or(-1) << " -> " << v.daddr
        << ":" << v.dport.value_or(-1);
  }
}

TEST(CommunityId, BaselineDefault) {
  check_file("baseline_deflt.json", CommunityIdOptions{});
}

TEST(CommunityId, BaselineSeed1) {
  check_file("baseline_seed1.json", CommunityIdOptions{.seed = 1});
}

TEST(CommunityId, BaselineNoBase64) {
  check_file("baseline_nob64.json", CommunityIdOptions{.base64 = false});
}

// The spec README's tables (default settings, seed 1, no base64), built in, so they run everywhere.
TEST(CommunityId, SpecReadmeTables) {
  struct Row {
    int proto;
    const char* saddr;
    const char* daddr;
    int sport;
    int dport;
    const char* deflt;
    const char* seed1;
    const char* hex;
  };
  const char* v6a = "fe80:0001:0203:0405:0607:0809:0A0B:0C0D";
  const char* v6b = "fe80:1011:1213:1415:1617:1819:1A1B:1C1D";
  const Row rows[] = {
      {6, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM=",
       "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=", "1:c026f7386ef200559e95a53276ed03fb5db908b3"},
      {6, "5.6.7.8", "1.2.3.4", 3344, 1122, "1:wCb3OG7yAFWelaUydu0D+125CLM=",
       "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=", "1:c026f7386ef200559e95a53276ed03fb5db908b3"},
      {17, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
       "1:OShq+iKDAMVouh/4bMxB9Sz4amw=", "1:d0cbbd227431eb3e1988264cffb1d78b658c84e8"},
      {132, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
       "1:uitchpn5MMGAQKBJh7bIr/bAr7s=", "1:10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f"},
      {1, "1.2.3.4", "5.6.7.8", 8, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=", "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
       "1:72ba1d4472f6144b078dbbf752446b7dbb386d9d"},
      {1, "5.6.7.8", "1.2.3.4", 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=", "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
       "1:72ba1d4472f6144b078dbbf752446b7dbb386d9d"},
      {1, "1.2.3.4", "5.6.7.8", 11, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=", "1:1DD7cWGC/Yg91YGsQeni8du3pIA=",
       "1:7ff6224b25aa733ad381f5026650549ef1d170f9"},
      {58, v6a, v6b, 128, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=", "1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
       "1:d1b7fb872309530b777cc103ef3f0b21f46905ea"},
      {58, v6b, v6a, 129, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=", "1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
       "1:d1b7fb872309530b777cc103ef3f0b21f46905ea"},
      {58, v6a, v6b, 146, 0, "1:fYC8+pz24E+EhANP1EZhpX0Dw10=", "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=",
       "1:7d80bcfa9cf6e04f8484034fd44661a57d03c35d"},
      {46, "1.2.3.4", "5.6.7.8", -1, -1, "1:ikv3kmf89luf73WPz1jOs49S768=", "1:/buhqeOmaRCopOZFy9HnoJd5XW8=",
       "1:8a4bf79267fcf65b9fef758fcf58ceb38f52efaf"},
      {46, "5.6.7.8", "1.2.3.4", -1, -1, "1:ikv3kmf89luf73WPz1jOs49S768=", "1:/buhqeOmaRCopOZFy9HnoJd5XW8=",
       "1:8a4bf79267fcf65b9fef758fcf58ceb38f52efaf"},
      {46, v6a, v6b, -1, -1, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=", "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=",
       "1:c10ff69b0ae75cfe259897077462f978f8d1f9ed"},
      {46, v6b, v6a, -1, -1, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=", "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=",
       "1:c10ff69b0ae75cfe259897077462f978f8d1f9ed"},
  };
  for (const Row& r : rows) {
    Vector v{r.proto, r.saddr, r.daddr, std::nullopt, std::nullopt, ""};
    if (r.sport >= 0) v.sport = r.sport, v.dport = r.dport;
    EXPECT_EQ(compute(v, {}), r.deflt) << r.saddr << " " << r.sport;
    EXPECT_EQ(compute(v, {.seed = 1}), r.seed1) << r.saddr << " " << r.sport;
    EXPECT_EQ(compute(v, {.base64 = false}), r.hex) << r.saddr << " " << r.sport;
  }
}

TEST(CommunityId, OneWayIcmpKeepsItsOrder) {
  // Time exceeded (11) has no counterpart: the reversed tuple is a different flow.
  const auto a = community_id(community_id_tuple(1, ip("5.6.7.8"), ip("1.2.3.4"), 11, 0));
  const auto b = community_id(community_id_tuple(1, ip("1.2.3.4"), ip("5.6.7.8"), 11, 0));
  EXPECT_NE(a, b);
  EXPECT_EQ(b, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=");
}

TEST(CommunityId, FlowRecordsCarryTheSpecValue) {
  FlowTable table;
  std::vector<FlowRecord> out;
  // Baseline: TCP 2001:470:e5bf:dead:4957:2174:e82c:4887:63943 -> 2607:f8b0:400c:c03::1a:25.
  table.update(tcp_packet("2607:f8b0:400c:c03::1a", 25, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
                          tcpflag::kSyn | tcpflag::kAck, 1, 2, 0, kT0),
               out);
  // Baseline: ICMP echo 192.168.0.89 -> 192.168.0.1 and its reply.
  table.update(icmp_packet("192.168.0.89", "192.168.0.1", 8, 0, 77, 56, kT0 + 1), out);
  table.update(icmp_packet("192.168.0.1", "192.168.0.89", 0, 0, 77, 56, kT0 + 2), out);
  table.flush(out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].community_id_view(), "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
  EXPECT_EQ(out[1].community_id_view(), "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
}

TEST(CommunityId, TableOptionsSeedHexAndOff) {
  auto run = [](const FlowConfig& config) {
    FlowTable table(config);
    std::vector<FlowRecord> out;
    table.update(udp_packet("8.8.8.8", 53, "192.168.1.52", 54585, 30, kT0), out);
    table.flush(out);
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? std::string() : std::string(out[0].community_id_view());
  };
  // Baseline values for UDP 192.168.1.52:54585 <-> 8.8.8.8:53.
  EXPECT_EQ(run(FlowConfig{}), "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
  EXPECT_EQ(run(FlowConfig{.community_id_options = {.seed = 1}}), "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=");
  EXPECT_EQ(run(FlowConfig{.community_id_options = {.base64 = false}}),
            "1:77f14fe445b7c22635bc29dd87095e451287a304");
  EXPECT_EQ(run(FlowConfig{.community_id = false}), "");
}

}  // namespace
}  // namespace nta
