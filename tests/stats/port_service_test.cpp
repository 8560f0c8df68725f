#include "stats/port_service.h"

#include <gtest/gtest.h>

#include "app/service.h"
#include "decode/packet_view.h"

namespace nta {
namespace {

std::string_view name(Transport t, std::uint16_t port) {
  return port_service_name(port_service_id(t, port));
}

TEST(PortService, NamesWellKnownPortsPerTransport) {
  EXPECT_EQ(name(Transport::kTcp, 443), "ssl");
  EXPECT_EQ(name(Transport::kUdp, 443), "quic");
  EXPECT_EQ(name(Transport::kUdp, 53), "dns");
  EXPECT_EQ(name(Transport::kTcp, 53), "dns");
  EXPECT_EQ(name(Transport::kTcp, 22), "ssh");
  EXPECT_EQ(name(Transport::kUdp, 88), "krb");
  EXPECT_EQ(name(Transport::kTcp, 88), "krb_tcp");
  EXPECT_EQ(name(Transport::kTcp, 123), "");
  EXPECT_EQ(name(Transport::kSctp, 80), "");
  EXPECT_EQ(port_service_id(Transport::kTcp, 51234), kNoService);
}

TEST(PortService, PacketServicePrefersTheDestinationPort) {
  EXPECT_EQ(port_service_name(packet_service_id(port_service_table(), Transport::kTcp, 443, 50000)), "ssl");
  EXPECT_EQ(port_service_name(packet_service_id(port_service_table(), Transport::kTcp, 50000, 80)), "http");
  EXPECT_EQ(port_service_name(packet_service_id(port_service_table(), Transport::kTcp, 22, 80)), "http");
  EXPECT_EQ(packet_service_id(port_service_table(), Transport::kUdp, 50000, 50001), kNoService);
}

TEST(PortService, TransportNames) {
  EXPECT_EQ(transport_name(Transport::kTcp), "tcp");
  EXPECT_EQ(transport_name(Transport::kSctp), "sctp");
  EXPECT_EQ(transport_of(6), Transport::kTcp);
  EXPECT_EQ(transport_of(17), Transport::kUdp);
  EXPECT_EQ(transport_of(132), Transport::kSctp);
  EXPECT_FALSE(transport_of(1).has_value());
}

}  // namespace
}  // namespace nta

namespace nta {
namespace {

// app/service.cpp keeps the same port table as a switch (for the flow records' port fallback):
// the two must name every port alike.
TEST(PortService, AgreesWithTheFlowRecordsPortTable) {
  for (const auto& [transport, proto] :
       {std::pair{Transport::kTcp, ipproto::kTcp}, std::pair{Transport::kUdp, ipproto::kUdp}}) {
    for (std::uint32_t port = 0; port < 65536; ++port) {
      const auto p = static_cast<std::uint16_t>(port);
      ASSERT_EQ(port_service_name(port_service_id(transport, p)), service_name(service_for_port(proto, p)))
          << transport_name(transport) << "/" << port;
    }
  }
}

}  // namespace
}  // namespace nta
