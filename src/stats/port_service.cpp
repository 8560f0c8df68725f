#include "stats/port_service.h"

#include <array>
#include <memory>

#include "decode/packet_view.h"

namespace nta {
namespace {

// Service names (Zeek's conn.log `service` vocabulary where Zeek has an analyzer); index = id.
constexpr std::string_view kNames[] = {
    "",        "dns",  "http",  "ssl",        "ssh",    "smtp", "ftp",        "ftp-data",    "dhcp",
    "ntp",     "snmp", "sip",   "syslog",     "radius", "rdp",  "smb",        "dce_rpc",     "krb",
    "krb_tcp", "ldap", "mysql", "irc",        "pop3",   "imap", "socks",      "rfb",         "modbus",
    "dnp3",    "mqtt", "quic",  "postgresql", "redis",  "xmpp", "netbios-ns", "netbios-dgm",
};

constexpr PortServiceId id_of(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<PortServiceId>(i);
  }
  throw "unknown service name";  // compile-time error in the constexpr table below
}

struct PortEntry {
  Transport transport;
  std::uint16_t port;
  PortServiceId id;
};

constexpr PortEntry entry(Transport t, std::uint16_t port, std::string_view name) {
  return {t, port, id_of(name)};
}

constexpr Transport kT = Transport::kTcp;
constexpr Transport kU = Transport::kUdp;

// Ports from the IANA registry and the ports Zeek's analyzers register for. TLS-wrapped
// protocols (https, imaps, ...) are "ssl", as Zeek names what it sees on the wire.
constexpr PortEntry kPorts[] = {
    entry(kT, 20, "ftp-data"),     entry(kT, 21, "ftp"),      entry(kT, 22, "ssh"),
    entry(kT, 25, "smtp"),         entry(kT, 53, "dns"),      entry(kU, 53, "dns"),
    entry(kU, 67, "dhcp"),         entry(kU, 68, "dhcp"),     entry(kT, 80, "http"),
    entry(kU, 88, "krb"),          entry(kT, 88, "krb_tcp"),  entry(kT, 110, "pop3"),
    entry(kU, 123, "ntp"),         entry(kT, 135, "dce_rpc"), entry(kU, 137, "netbios-ns"),
    entry(kU, 138, "netbios-dgm"), entry(kT, 139, "smb"),     entry(kT, 143, "imap"),
    entry(kU, 161, "snmp"),        entry(kU, 162, "snmp"),    entry(kT, 389, "ldap"),
    entry(kU, 389, "ldap"),        entry(kT, 443, "ssl"),     entry(kU, 443, "quic"),
    entry(kT, 445, "smb"),         entry(kT, 465, "ssl"),     entry(kU, 514, "syslog"),
    entry(kT, 502, "modbus"),      entry(kT, 587, "smtp"),    entry(kT, 636, "ssl"),
    entry(kT, 853, "ssl"),         entry(kT, 993, "ssl"),     entry(kT, 995, "ssl"),
    entry(kT, 1080, "socks"),      entry(kU, 1812, "radius"), entry(kU, 1813, "radius"),
    entry(kT, 1883, "mqtt"),       entry(kT, 3306, "mysql"),  entry(kT, 3389, "rdp"),
    entry(kT, 5060, "sip"),        entry(kU, 5060, "sip"),    entry(kT, 5222, "xmpp"),
    entry(kU, 5353, "dns"),        entry(kU, 5355, "dns"),    entry(kT, 5432, "postgresql"),
    entry(kT, 5900, "rfb"),        entry(kT, 6379, "redis"),  entry(kT, 6667, "irc"),
    entry(kT, 8000, "http"),       entry(kT, 8080, "http"),   entry(kT, 8443, "ssl"),
    entry(kT, 8883, "ssl"),        entry(kT, 20000, "dnp3"),
};

std::unique_ptr<PortServiceTable> build_table() {
  auto table = std::make_unique<PortServiceTable>();
  for (const PortEntry& e : kPorts) (*table)[static_cast<std::size_t>(e.transport)][e.port] = e.id;
  return table;
}

}  // namespace

std::string_view transport_name(Transport t) noexcept {
  switch (t) {
    case Transport::kTcp:
      return "tcp";
    case Transport::kUdp:
      return "udp";
    case Transport::kSctp:
      return "sctp";
  }
  return "?";
}

std::optional<Transport> transport_of(std::uint8_t ip_proto) noexcept {
  switch (ip_proto) {
    case ipproto::kTcp:
      return Transport::kTcp;
    case ipproto::kUdp:
      return Transport::kUdp;
    case ipproto::kSctp:
      return Transport::kSctp;
    default:
      return std::nullopt;
  }
}

const PortServiceTable& port_service_table() noexcept {
  static const std::unique_ptr<PortServiceTable> table = build_table();  // (std::terminate if out of memory)
  return *table;
}

PortServiceId port_service_id(Transport transport, std::uint16_t port) noexcept {
  return port_service_table()[static_cast<std::size_t>(transport)][port];
}

std::string_view port_service_name(PortServiceId id) noexcept {
  return id < std::size(kNames) ? kNames[id] : std::string_view{};
}

std::size_t port_service_count() noexcept {
  return std::size(kNames);
}

}  // namespace nta
