#include "app/service.h"

#include "decode/packet_view.h"

namespace nta {

std::string_view service_name(Service s) noexcept {
  switch (s) {
    case Service::kUnknown:
      return "";
    case Service::kDns:
      return "dns";
    case Service::kHttp:
      return "http";
    case Service::kSsl:
      return "ssl";
    case Service::kSsh:
      return "ssh";
    case Service::kSmtp:
      return "smtp";
    case Service::kFtp:
      return "ftp";
    case Service::kFtpData:
      return "ftp-data";
    case Service::kDhcp:
      return "dhcp";
    case Service::kNtp:
      return "ntp";
    case Service::kSnmp:
      return "snmp";
    case Service::kSip:
      return "sip";
    case Service::kSyslog:
      return "syslog";
    case Service::kRadius:
      return "radius";
    case Service::kRdp:
      return "rdp";
    case Service::kSmb:
      return "smb";
    case Service::kDceRpc:
      return "dce_rpc";
    case Service::kKrb:
      return "krb";
    case Service::kKrbTcp:
      return "krb_tcp";
    case Service::kLdap:
      return "ldap";
    case Service::kMysql:
      return "mysql";
    case Service::kIrc:
      return "irc";
    case Service::kPop3:
      return "pop3";
    case Service::kImap:
      return "imap";
    case Service::kSocks:
      return "socks";
    case Service::kRfb:
      return "rfb";
    case Service::kModbus:
      return "modbus";
    case Service::kDnp3:
      return "dnp3";
    case Service::kMqtt:
      return "mqtt";
    case Service::kQuic:
      return "quic";
    case Service::kPostgresql:
      return "postgresql";
    case Service::kRedis:
      return "redis";
    case Service::kXmpp:
      return "xmpp";
    case Service::kNetbiosNs:
      return "netbios-ns";
    case Service::kNetbiosDgm:
      return "netbios-dgm";
  }
  return "";
}

namespace {

// IANA ports and those Zeek's analyzers register for; TLS-wrapped protocols (https, imaps, smtps,
// ldaps, DNS over TLS, MQTT over TLS) are "ssl", as Zeek names what it sees on the wire.
Service tcp_service(std::uint16_t port) noexcept {
  switch (port) {
    case 53:
      return Service::kDns;
    case 80:
    case 8000:
    case 8080:
      return Service::kHttp;
    case 443:
    case 465:
    case 636:
    case 853:
    case 993:
    case 995:
    case 8443:
    case 8883:
      return Service::kSsl;
    case 22:
      return Service::kSsh;
    case 25:
    case 587:
      return Service::kSmtp;
    case 21:
      return Service::kFtp;
    case 20:
      return Service::kFtpData;
    case 5060:
      return Service::kSip;
    case 3389:
      return Service::kRdp;
    case 139:
    case 445:
      return Service::kSmb;
    case 135:
      return Service::kDceRpc;
    case 88:
      return Service::kKrbTcp;
    case 389:
      return Service::kLdap;
    case 3306:
      return Service::kMysql;
    case 6667:
      return Service::kIrc;
    case 110:
      return Service::kPop3;
    case 143:
      return Service::kImap;
    case 1080:
      return Service::kSocks;
    case 5900:
      return Service::kRfb;
    case 502:
      return Service::kModbus;
    case 20000:
      return Service::kDnp3;
    case 1883:
      return Service::kMqtt;
    case 5432:
      return Service::kPostgresql;
    case 6379:
      return Service::kRedis;
    case 5222:
      return Service::kXmpp;
    default:
      return Service::kUnknown;
  }
}

Service udp_service(std::uint16_t port) noexcept {
  switch (port) {
    case 53:
    case 5353:
    case 5355:
      return Service::kDns;
    case 67:
    case 68:
      return Service::kDhcp;
    case 123:
      return Service::kNtp;
    case 161:
    case 162:
      return Service::kSnmp;
    case 5060:
      return Service::kSip;
    case 514:
      return Service::kSyslog;
    case 1812:
    case 1813:
      return Service::kRadius;
    case 88:
      return Service::kKrb;
    case 389:
      return Service::kLdap;
    case 443:
      return Service::kQuic;
    case 137:
      return Service::kNetbiosNs;
    case 138:
      return Service::kNetbiosDgm;
    default:
      return Service::kUnknown;
  }
}

}  // namespace

Service service_for_port(std::uint8_t ip_proto, std::uint16_t port) noexcept {
  if (ip_proto == ipproto::kTcp) return tcp_service(port);
  if (ip_proto == ipproto::kUdp) return udp_service(port);
  return Service::kUnknown;
}

Service service_for_ports(std::uint8_t ip_proto, std::uint16_t orig_port, std::uint16_t resp_port) noexcept {
  const Service by_resp = service_for_port(ip_proto, resp_port);
  if (by_resp != Service::kUnknown || orig_port >= 1024) return by_resp;
  return service_for_port(ip_proto, orig_port);
}

}  // namespace nta
