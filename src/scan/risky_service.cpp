#include "scan/risky_service.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace nta {
namespace {

constexpr RiskyService kTable[] = {
    {"telnet", "service telnet", "cleartext remote login: passwords cross the network readable"},
    {"rlogin", "service login, shell or exec (the BSD r-services, TCP 512-514)",
     "cleartext remote login that trusts the source address"},
    {"ftp", "service ftp, not inside TLS", "cleartext FTP: credentials and files cross the network readable"},
    {"tftp", "service tftp", "TFTP has no authentication at all"},
    {"smbv1", "SMB whose smb-protocols script output lists SMBv1 (NT LM 0.12), or a Windows 2000/XP/2003 microsoft-ds",
     "SMBv1 is the protocol of EternalBlue/WannaCry; Microsoft deprecated it"},
    {"vnc", "service vnc", "VNC: remote desktop often with a weak or no password, cleartext unless tunnelled"},
    {"snmp", "service snmp", "SNMP v1/v2c: community strings (passwords) travel in cleartext"},
    {"vsftpd_backdoor", "product vsftpd, version 2.3.4", "vsftpd 2.3.4: the release shipped with a backdoor"},
    {"old_openssh", "product OpenSSH, version below 7.4", "OpenSSH older than 7.4 (2016): end of life, known vulnerabilities"},
    {"old_apache", "product Apache httpd, version below 2.4", "Apache httpd 2.2 or older: end of life since 2017"},
    {"old_iis", "product Microsoft IIS httpd, version below 7.0", "IIS 6.0 or older: end of life, remote code execution bugs"},
    {"old_samba", "product Samba smbd, version below 4.0", "Samba 3.x or older: end of life, SMBv1 only"},
};

const RiskyService& entry(std::string_view id) noexcept {
  for (const RiskyService& r : kTable) {
    if (r.id == id) return r;
  }
  return kTable[0];
}

// Leading numeric components of a version: "8.9p1" -> 8, 9; "2.4.41" -> 2, 4, 41.
std::array<int, 3> version_numbers(std::string_view v) noexcept {
  std::array<int, 3> out{-1, -1, -1};
  std::size_t i = 0;
  for (int& part : out) {
    int value = 0;
    const auto [end, ec] = std::from_chars(v.data() + i, v.data() + v.size(), value);
    if (ec != std::errc{}) break;
    part = value;
    i = static_cast<std::size_t>(end - v.data());
    if (i >= v.size() || v[i] != '.') break;
    ++i;
  }
  return out;
}

// True when `version` is known and below major.minor. A range ("3.X - 4.X", nmap's answer when
// it cannot tell) is not known.
bool below(std::string_view version, int major, int minor) noexcept {
  if (version.find(" - ") != std::string_view::npos) return false;
  const auto n = version_numbers(version);
  if (n[0] < 0) return false;
  return n[0] < major || (n[0] == major && n[1] >= 0 && n[1] < minor) || (n[0] == major && n[1] < 0 && minor > 0);
}

bool contains(std::string_view hay, std::string_view needle) noexcept {
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace

std::span<const RiskyService> risky_service_table() noexcept { return kTable; }

const RiskyService* find_risky_service(const ScannedPort& port) noexcept {
  const ServiceInfo& s = port.service;
  const bool tls = s.tunnel == "ssl";
  if (s.name == "telnet" && !tls) return &entry("telnet");
  if (port.protocol == ScanProtocol::kTcp && (s.name == "login" || s.name == "shell" || s.name == "exec")) {
    return &entry("rlogin");
  }
  if (s.product == "vsftpd" && s.version == "2.3.4") return &entry("vsftpd_backdoor");
  if (s.name == "ftp" && !tls) return &entry("ftp");
  if (s.name == "tftp") return &entry("tftp");
  const bool smb = s.name == "microsoft-ds" || s.name == "netbios-ssn";
  if (smb) {
    const bool smb1_script = std::any_of(port.scripts.begin(), port.scripts.end(), [](const ScriptResult& r) {
      return r.id == "smb-protocols" && (contains(r.output, "SMBv1") || contains(r.output, "NT LM 0.12"));
    });
    const bool old_windows = contains(s.product, "Windows XP") || contains(s.product, "Windows 2000") ||
                             contains(s.product, "Windows 2003") || contains(s.product, "Windows Server 2003");
    if (smb1_script || old_windows) return &entry("smbv1");
  }
  if (s.name == "vnc" && !tls) return &entry("vnc");
  if (s.name == "snmp") return &entry("snmp");
  if (s.product == "OpenSSH" && below(s.version, 7, 4)) return &entry("old_openssh");
  if (s.product == "Apache httpd" && below(s.version, 2, 4)) return &entry("old_apache");
  if (s.product == "Microsoft IIS httpd" && below(s.version, 7, 0)) return &entry("old_iis");
  if (s.product == "Samba smbd" && below(s.version, 4, 0)) return &entry("old_samba");
  return nullptr;
}

}  // namespace nta
