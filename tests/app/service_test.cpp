#include "app/service.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "decode/packet_view.h"

namespace nta {
namespace {

TEST(Service, NamesFollowZeek) {
  EXPECT_EQ(service_name(Service::kDns), "dns");
  EXPECT_EQ(service_name(Service::kHttp), "http");
  EXPECT_EQ(service_name(Service::kSsl), "ssl");
  EXPECT_EQ(service_name(Service::kSsh), "ssh");
  EXPECT_EQ(service_name(Service::kFtpData), "ftp-data");
  EXPECT_EQ(service_name(Service::kUnknown), "");
}

TEST(Service, EveryValueHasADistinctName) {
  std::set<std::string_view> names;
  for (int i = 1; i <= static_cast<int>(Service::kNetbiosDgm); ++i) {
    const std::string_view n = service_name(static_cast<Service>(i));
    EXPECT_FALSE(n.empty()) << i;
    EXPECT_TRUE(names.insert(n).second) << n;
  }
}

TEST(Service, PortTableDependsOnTheTransport) {
  EXPECT_EQ(service_for_port(ipproto::kUdp, 53), Service::kDns);
  EXPECT_EQ(service_for_port(ipproto::kTcp, 53), Service::kDns);
  EXPECT_EQ(service_for_port(ipproto::kUdp, 443), Service::kQuic);
  EXPECT_EQ(service_for_port(ipproto::kTcp, 443), Service::kSsl);
  EXPECT_EQ(service_for_port(ipproto::kUdp, 123), Service::kNtp);
  EXPECT_EQ(service_for_port(ipproto::kTcp, 123), Service::kUnknown);
  EXPECT_EQ(service_for_port(ipproto::kTcp, 3389), Service::kRdp);
  EXPECT_EQ(service_for_port(ipproto::kTcp, 445), Service::kSmb);
  EXPECT_EQ(service_for_port(ipproto::kIcmp, 53), Service::kUnknown);
}

TEST(Service, ResponderPortFirstThenAPrivilegedOriginatorPort) {
  EXPECT_EQ(service_for_ports(ipproto::kTcp, 50000, 22), Service::kSsh);
  // Seen from the reply side: the originator holds the well-known port.
  EXPECT_EQ(service_for_ports(ipproto::kUdp, 53, 50000), Service::kDns);
  // An ephemeral originator port that happens to be in the table does not count.
  EXPECT_EQ(service_for_ports(ipproto::kTcp, 3306, 50000), Service::kUnknown);
  EXPECT_EQ(service_for_ports(ipproto::kTcp, 22, 443), Service::kSsl);
}

}  // namespace
}  // namespace nta
