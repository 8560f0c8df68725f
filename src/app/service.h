#pragma once
// The application service of a flow, named with Zeek's conn.log vocabulary ("dns", "http", "ssl",
// "ssh", ...), and the port table used as a fallback when the payload did not say.
#include <cstdint>
#include <string_view>

namespace nta {

// Services nta names. Content inspection identifies kDns, kHttp, kSsl and kSsh; every other value
// (and those four, when no payload confirmed them) comes from the port table (docs/app_layer.md).
// Names and ports are those of stats/port_service.cpp, in the same order (one table to keep).
enum class Service : std::uint8_t {
  kUnknown,
  kDns,
  kHttp,
  kSsl,
  kSsh,
  kSmtp,
  kFtp,
  kFtpData,
  kDhcp,
  kNtp,
  kSnmp,
  kSip,
  kSyslog,
  kRadius,
  kRdp,
  kSmb,
  kDceRpc,
  kKrb,
  kKrbTcp,
  kLdap,
  kMysql,
  kIrc,
  kPop3,
  kImap,
  kSocks,
  kRfb,
  kModbus,
  kDnp3,
  kMqtt,
  kQuic,
  kPostgresql,
  kRedis,
  kXmpp,
  kNetbiosNs,
  kNetbiosDgm,
};

// The service's name ("dns", "ssl", "netbios-ns", ...); "" for kUnknown. Static storage.
std::string_view service_name(Service s) noexcept;

// The service conventionally on `port` for this IP protocol (ipproto::kTcp or kUdp), or kUnknown.
Service service_for_port(std::uint8_t ip_proto, std::uint16_t port) noexcept;

// The port fallback for a flow: the responder's port, else the originator's when it is below 1024
// (a flow first seen from its reply side, or a symmetric protocol such as NTP 123 <-> 123).
Service service_for_ports(std::uint8_t ip_proto, std::uint16_t orig_port, std::uint16_t resp_port) noexcept;

}  // namespace nta
