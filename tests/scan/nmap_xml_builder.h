#pragma once
// Builds nmap -oX documents in the shape nmap 7.93 writes them, for the scan tests.
#include <cstdint>
#include <string>
#include <vector>

namespace nta::test {

struct XmlPort {
  std::string protocol = "tcp";
  int port = 0;
  std::string state = "open";
  std::string reason = "syn-ack";
  std::string service;  // empty: no <service>
  std::string product;
  std::string version;
  std::string extrainfo;
  std::vector<std::string> cpes;
  std::vector<std::pair<std::string, std::string>> scripts;  // id, output (already XML-escaped)
};

struct XmlHost {
  std::string address;
  std::string addrtype = "ipv4";
  std::string state = "up";
  std::string mac;
  std::string mac_vendor;
  std::vector<std::pair<std::string, std::string>> hostnames;  // name, type
  std::vector<XmlPort> ports;
  std::string extraports;  // raw <extraports ...>...</extraports>, or empty
  std::vector<std::pair<std::string, int>> os;  // name, accuracy
  std::vector<std::pair<std::string, std::string>> host_scripts;
};

inline std::string attr(const char* name, const std::string& value) {
  return value.empty() ? std::string() : " " + std::string(name) + "=\"" + value + "\"";
}

inline std::string host_xml(const XmlHost& h, std::int64_t start) {
  std::string x = "<host starttime=\"" + std::to_string(start) + "\" endtime=\"" + std::to_string(start + 5) +
                  "\"><status state=\"" + h.state + "\" reason=\"" + (h.state == "up" ? "echo-reply" : "no-response") +
                  "\" reason_ttl=\"64\"/>\n";
  x += "<address addr=\"" + h.address + "\" addrtype=\"" + h.addrtype + "\"/>\n";
  if (!h.mac.empty()) x += "<address addr=\"" + h.mac + "\" addrtype=\"mac\"" + attr("vendor", h.mac_vendor) + "/>\n";
  x += "<hostnames>\n";
  for (const auto& [name, type] : h.hostnames) x += "<hostname name=\"" + name + "\" type=\"" + type + "\"/>\n";
  x += "</hostnames>\n";
  if (h.state == "up") {
    x += "<ports>";
    x += h.extraports;
    for (const XmlPort& p : h.ports) {
      x += "<port protocol=\"" + p.protocol + "\" portid=\"" + std::to_string(p.port) + "\"><state state=\"" + p.state +
           "\" reason=\"" + p.reason + "\" reason_ttl=\"64\"/>";
      if (!p.service.empty()) {
        x += "<service name=\"" + p.service + "\"" + attr("product", p.product) + attr("version", p.version) +
             attr("extrainfo", p.extrainfo) + " method=\"probed\" conf=\"10\">";
        for (const std::string& c : p.cpes) x += "<cpe>" + c + "</cpe>";
        x += "</service>";
      }
      for (const auto& [id, out] : p.scripts) x += "<script id=\"" + id + "\" output=\"" + out + "\"/>";
      x += "</port>\n";
    }
    x += "</ports>\n";
    if (!h.os.empty()) {
      x += "<os>";
      for (const auto& [name, acc] : h.os) {
        x += "<osmatch name=\"" + name + "\" accuracy=\"" + std::to_string(acc) +
             "\" line=\"1\"><osclass type=\"general purpose\" vendor=\"Linux\" osfamily=\"Linux\" osgen=\"5.X\" accuracy=\"" +
             std::to_string(acc) + "\"><cpe>cpe:/o:linux:linux_kernel:5</cpe></osclass></osmatch>\n";
      }
      x += "</os>\n";
    }
    if (!h.host_scripts.empty()) {
      x += "<hostscript>";
      for (const auto& [id, out] : h.host_scripts) x += "<script id=\"" + id + "\" output=\"" + out + "\"/>";
      x += "</hostscript>\n";
    }
  }
  x += "<times srtt=\"100\" rttvar=\"50\" to=\"100000\"/>\n</host>\n";
  return x;
}

inline std::string scan_head(std::int64_t start, const std::string& args, const std::string& scaninfo_services) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
         "<?xml-stylesheet href=\"file:///usr/bin/../share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n"
         "<nmaprun scanner=\"nmap\" args=\"" + args + "\" start=\"" + std::to_string(start) +
         "\" startstr=\"x\" version=\"7.93\" xmloutputversion=\"1.05\">\n"
         "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"3\" services=\"" + scaninfo_services + "\"/>\n"
         "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n";
}

inline std::string scan_tail(std::int64_t end, int up, int down) {
  return "<runstats><finished time=\"" + std::to_string(end) + "\" timestr=\"x\" elapsed=\"12.50\" exit=\"success\"/>"
         "<hosts up=\"" + std::to_string(up) + "\" down=\"" + std::to_string(down) + "\" total=\"" +
         std::to_string(up + down) + "\"/>\n</runstats>\n</nmaprun>\n";
}

inline std::string scan_xml(const std::vector<XmlHost>& hosts, std::int64_t start = 1700000000,
                            const std::string& args = "nmap -sV -oX out.xml 10.0.0.0/24",
                            const std::string& services = "1-1000") {
  std::string x = scan_head(start, args, services);
  int up = 0;
  int down = 0;
  for (const XmlHost& h : hosts) {
    x += host_xml(h, start);
    (h.state == "up" ? up : down) += 1;
  }
  return x + scan_tail(start + 60, up, down);
}

}  // namespace nta::test
