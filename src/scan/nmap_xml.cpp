#include "scan/nmap_xml.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <charconv>
#include <fstream>
#include <memory>
#include <pugixml.hpp>
#include <system_error>

#include "core/error.h"

namespace nta {
namespace {

constexpr std::size_t kMaxNotes = 32;

// Case-insensitive (ASCII) search for a needle starting with '<': a hostile file may write
// <!doctype ...>. memchr keeps it fast on large files.
std::size_t find_ci(std::string_view hay, std::string_view needle, std::size_t from = 0) noexcept {
  auto fold = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  while (from + needle.size() <= hay.size()) {
    const void* hit = std::memchr(hay.data() + from, needle[0], hay.size() - from);
    if (hit == nullptr) return std::string_view::npos;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - hay.data());
    if (at + needle.size() > hay.size()) return std::string_view::npos;
    std::size_t k = 1;
    while (k < needle.size() && fold(hay[at + k]) == fold(needle[k])) ++k;
    if (k == needle.size()) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

// nmap writes `<!DOCTYPE nmaprun>` and never an internal subset; a subset is where entity
// declarations live (external entities, exponential expansion), so it is refused outright.
void refuse_dtd_subset(std::string_view xml, std::string_view source) {
  for (std::size_t at = find_ci(xml, "<!DOCTYPE"); at != std::string_view::npos; at = find_ci(xml, "<!DOCTYPE", at + 1)) {
    char quote = 0;
    for (std::size_t i = at + 9; i < xml.size(); ++i) {
      const char c = xml[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      } else if (c == '[') {
        throw Error(ErrorKind::kInput,
                    fmt::format("'{}' line {}: refused: the DOCTYPE has an internal subset (entity declarations); "
                                "nmap never writes one, and nta expands no entities",
                                source, line_of_offset(xml, at)));
      }
    }
  }
  if (const std::size_t at = find_ci(xml, "<!ENTITY"); at != std::string_view::npos) {
    throw Error(ErrorKind::kInput,
                fmt::format("'{}' line {}: refused: an entity declaration; nmap never writes one, and nta expands "
                            "no entities",
                            source, line_of_offset(xml, at)));
  }
}

// Valid UTF-8 of at most `cap` bytes: invalid sequences become U+FFFD, a cut never splits a
// character. Sets `truncated` when bytes were dropped for the cap.
std::string clean_text(std::string_view in, std::size_t cap, bool& truncated) {
  truncated = false;
  if (in.size() <= cap && std::all_of(in.begin(), in.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::string(in);
  }
  std::string out;
  out.reserve(std::min(in.size(), cap));
  truncated = false;
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    std::size_t len = 0;
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
    }
    bool valid = len != 0 && i + len <= in.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    }
    if (valid && len == 3) {
      const auto b1 = static_cast<unsigned char>(in[i + 1]);
      valid = !(b == 0xE0 && b1 < 0xA0) && !(b == 0xED && b1 >= 0xA0);  // overlong, surrogates
    } else if (valid && len == 4) {
      const auto b1 = static_cast<unsigned char>(in[i + 1]);
      valid = !(b == 0xF0 && b1 < 0x90) && !(b == 0xF4 && b1 >= 0x90);
    }
    const std::string_view piece = valid ? in.substr(i, len) : std::string_view("\xEF\xBF\xBD");
    if (out.size() + piece.size() > cap) {
      truncated = true;
      break;
    }
    out += piece;
    i += valid ? len : 1;
  }
  return out;
}

class Reader {
 public:
  Reader(std::string_view source, const NmapLimits& limits) : source_(source), limits_(limits) {}

  NmapScan read(const pugi::xml_node& root) {
    NmapScan scan;
    scan.scanner = text(root.attribute("scanner"), "scanner", scan.notes);
    scan.version = text(root.attribute("version"), "version", scan.notes);
    scan.xml_output_version = text(root.attribute("xmloutputversion"), "xmloutputversion", scan.notes);
    scan.args = text(root.attribute("args"), "args", scan.notes, limits_.max_args);
    scan.started_at = root.attribute("start").as_llong(0);
    if (scan.scanner.empty()) scan.scanner = "nmap";

    for (const pugi::xml_node& info : root.children("scaninfo")) read_coverage(info, scan);
    for (const pugi::xml_node& target : root.children("target")) {
      if (std::string_view(target.attribute("status").value()) != "skipped") continue;
      std::string spec = text(target.attribute("specification"), "target", scan.notes);
      const std::string reason = text(target.attribute("reason"), "target reason", scan.notes);
      if (!reason.empty()) spec += " (" + reason + ")";
      if (scan.skipped_targets.size() < limits_.max_items) scan.skipped_targets.push_back(std::move(spec));
    }
    for (const pugi::xml_node& host : root.children("host")) {
      ScannedHost h;
      if (read_host(host, h, scan.notes)) scan.hosts.push_back(std::move(h));
    }
    merge_duplicate_hosts(scan);

    const pugi::xml_node runstats = root.child("runstats");
    const pugi::xml_node finished = runstats.child("finished");
    if (finished) {
      scan.finished_at = finished.attribute("time").as_llong(0);
      scan.elapsed = finished.attribute("elapsed").as_double(0);
      scan.exit_status = text(finished.attribute("exit"), "exit", scan.notes);
      scan.error_message = text(finished.attribute("errormsg"), "errormsg", scan.notes);
    } else {
      note(scan.notes, "no <runstats>: the scan did not finish normally");
    }
    const pugi::xml_node counts = runstats.child("hosts");
    if (counts) {
      scan.hosts_up = counts.attribute("up").as_uint(0);
      scan.hosts_down = counts.attribute("down").as_uint(0);
    } else {
      for (const ScannedHost& h : scan.hosts) {
        if (h.state == HostState::kUp) ++scan.hosts_up;
        if (h.state == HostState::kDown) ++scan.hosts_down;
      }
    }
    return scan;
  }

 private:
  void note(std::vector<std::string>& notes, std::string message) {
    if (notes.size() < kMaxNotes) {
      notes.push_back(std::move(message));
    } else if (notes.size() == kMaxNotes) {
      notes.emplace_back("more notes left out");
    }
  }

  // A field's name for notes, assembled only when a note is written.
  struct Label {
    Label(const char* a_) : a(a_) {}  // NOLINT(google-explicit-constructor): literals read naturally
    Label(std::string_view a_, std::string_view b_ = {}, std::string_view c_ = {}, std::string_view d_ = {})
        : a(a_), b(b_), c(c_), d(d_) {}
    [[nodiscard]] std::string str() const { return fmt::format("{}{}{}{}", a, b, c, d); }
    std::string_view a, b, c, d;
  };

  std::string text(const char* value, const Label& what, std::vector<std::string>& notes, std::size_t cap) {
    bool truncated = false;
    std::string out = clean_text(value, cap, truncated);
    if (truncated) note(notes, fmt::format("{} truncated to {} bytes", what.str(), cap));
    return out;
  }
  std::string text(const pugi::xml_attribute& a, const Label& what, std::vector<std::string>& notes,
                   std::size_t cap = 0) {
    return text(a.value(), what, notes, cap == 0 ? limits_.max_field : cap);
  }

  std::optional<PortSet> port_list(const pugi::xml_attribute& a, std::string_view what,
                                   std::vector<std::string>& notes) {
    const std::string_view value = a.value();
    if (value.size() > limits_.max_port_list) {
      note(notes, fmt::format("{}: port list longer than {} bytes left out", what, limits_.max_port_list));
      return std::nullopt;
    }
    std::optional<PortSet> set = PortSet::parse(value);
    if (!set) note(notes, fmt::format("{}: unreadable port list left out", what));
    return set;
  }

  void read_coverage(const pugi::xml_node& info, NmapScan& scan) {
    const std::optional<ScanProtocol> proto = parse_scan_protocol(info.attribute("protocol").value());
    if (!proto) {
      note(scan.notes, "scaninfo with an unknown protocol skipped");
      return;
    }
    ScanCoverage c;
    c.scan_type = text(info.attribute("type"), "scaninfo type", scan.notes);
    c.protocol = *proto;
    c.port_count = info.attribute("numservices").as_uint(0);
    if (std::optional<PortSet> ports = port_list(info.attribute("services"), "scaninfo services", scan.notes)) {
      c.ports = std::move(*ports);
    }
    scan.coverage.push_back(std::move(c));
  }

  bool read_host(const pugi::xml_node& node, ScannedHost& h, std::vector<std::string>& scan_notes) {
    std::vector<std::string>& notes = h.notes;
    const pugi::xml_node status = node.child("status");
    h.state = parse_host_state(status.attribute("state").value());
    h.reason = text(status.attribute("reason"), "host reason", notes);
    h.reason_ttl = status.attribute("reason_ttl").as_int(-1);
    h.started_at = node.attribute("starttime").as_llong(0);
    h.ended_at = node.attribute("endtime").as_llong(0);

    IpAddress v4;
    IpAddress v6;
    for (const pugi::xml_node& a : node.children("address")) {
      HostAddress addr;
      addr.address = text(a.attribute("addr"), "address", notes);
      addr.type = text(a.attribute("addrtype"), "address type", notes);
      addr.vendor = text(a.attribute("vendor"), "MAC vendor", notes);
      IpAddress ip;
      if (addr.type == "ipv4" && v4.empty() && parse_ip(addr.address.c_str(), ip) && ip.family == IpFamily::kV4) {
        v4 = ip;
      } else if (addr.type == "ipv6" && v6.empty() && parse_ip(addr.address.c_str(), ip) &&
                 ip.family == IpFamily::kV6) {
        v6 = ip;
      } else if (addr.type == "mac" && h.mac.empty()) {
        h.mac = addr.address;
        h.mac_vendor = addr.vendor;
      }
      if (h.addresses.size() < limits_.max_items) h.addresses.push_back(std::move(addr));
    }
    h.address = !v4.empty() ? v4 : v6;
    if (h.address.empty()) {
      note(scan_notes, "a host without an IPv4 or IPv6 address was skipped");
      return false;
    }
    for (auto& a : h.addresses) {
      IpAddress ip;
      if ((a.type == "ipv4" || a.type == "ipv6") && parse_ip(a.address.c_str(), ip)) a.address = to_string(ip);
    }

    for (const pugi::xml_node& n : node.child("hostnames").children("hostname")) {
      if (h.hostnames.size() >= limits_.max_items) {
        note(notes, fmt::format("hostnames beyond {} left out", limits_.max_items));
        break;
      }
      h.hostnames.push_back({text(n.attribute("name"), "hostname", notes), text(n.attribute("type"), "hostname type", notes)});
    }

    const pugi::xml_node ports = node.child("ports");
    for (const pugi::xml_node& p : ports.children("port")) {
      if (h.ports.size() >= limits_.max_ports_per_host) {
        note(notes, fmt::format("ports beyond {} left out", limits_.max_ports_per_host));
        break;
      }
      read_port(p, h);
    }
    std::stable_sort(h.ports.begin(), h.ports.end(), [](const ScannedPort& a, const ScannedPort& b) {
      return std::pair{a.protocol, a.port} < std::pair{b.protocol, b.port};
    });
    const auto dup = std::unique(h.ports.begin(), h.ports.end(), [](const ScannedPort& a, const ScannedPort& b) {
      return a.protocol == b.protocol && a.port == b.port;
    });
    if (dup != h.ports.end()) {
      note(notes, "a port listed twice: the first kept");
      h.ports.erase(dup, h.ports.end());
    }
    for (const pugi::xml_node& e : ports.children("extraports")) read_extra_ports(e, h);

    const pugi::xml_node os = node.child("os");
    for (const pugi::xml_node& m : os.children("osmatch")) {
      if (h.os_matches.size() >= limits_.max_items) {
        note(notes, fmt::format("OS matches beyond {} left out", limits_.max_items));
        break;
      }
      OsMatch match;
      match.name = text(m.attribute("name"), "OS match name", notes);
      match.accuracy = std::clamp(m.attribute("accuracy").as_int(0), 0, 100);
      const pugi::xml_node cls = m.child("osclass");
      match.os_type = text(cls.attribute("type"), "OS type", notes);
      match.vendor = text(cls.attribute("vendor"), "OS vendor", notes);
      match.family = text(cls.attribute("osfamily"), "OS family", notes);
      match.generation = text(cls.attribute("osgen"), "OS generation", notes);
      match.cpe = text(cls.child_value("cpe"), "OS CPE", notes, limits_.max_field);
      h.os_matches.push_back(std::move(match));
    }
    std::stable_sort(h.os_matches.begin(), h.os_matches.end(),
                     [](const OsMatch& a, const OsMatch& b) { return a.accuracy > b.accuracy; });

    read_scripts(node.child("hostscript"), h.scripts, "host", " script", notes);
    return true;
  }

  void read_port(const pugi::xml_node& p, ScannedHost& h) {
    std::vector<std::string>& notes = h.notes;
    const std::optional<ScanProtocol> proto = parse_scan_protocol(p.attribute("protocol").value());
    const std::string_view id = p.attribute("portid").value();
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), number);
    if (!proto || ec != std::errc{} || end != id.data() + id.size() || number > 65535) {
      note(notes, "a port with an unreadable protocol or number skipped");
      return;
    }
    ScannedPort port;
    port.protocol = *proto;
    port.port = static_cast<std::uint16_t>(number);
    const pugi::xml_node state = p.child("state");
    port.state = parse_port_state(state.attribute("state").value());
    port.reason = text(state.attribute("reason"), "port reason", notes);
    port.reason_ttl = state.attribute("reason_ttl").as_int(-1);
    const std::string where = fmt::format("{}/{}", port.port, to_string(port.protocol));
    const pugi::xml_node service = p.child("service");
    if (service) {
      ServiceInfo& s = port.service;
      s.name = text(service.attribute("name"), {where, " service"}, notes);
      s.product = text(service.attribute("product"), {where, " product"}, notes);
      s.version = text(service.attribute("version"), {where, " version"}, notes);
      s.extrainfo = text(service.attribute("extrainfo"), {where, " extrainfo"}, notes);
      s.tunnel = text(service.attribute("tunnel"), {where, " tunnel"}, notes);
      s.method = text(service.attribute("method"), {where, " method"}, notes);
      s.confidence = std::clamp(service.attribute("conf").as_int(0), 0, 10);
      for (const pugi::xml_node& cpe : service.children("cpe")) {
        if (s.cpes.size() >= limits_.max_items) {
          note(notes, fmt::format("{}: CPEs beyond {} left out", where, limits_.max_items));
          break;
        }
        s.cpes.push_back(text(cpe.child_value(), {where, " CPE"}, notes, limits_.max_field));
      }
    }
    read_scripts(p, port.scripts, where, " script", notes);
    h.ports.push_back(std::move(port));
  }

  void read_extra_ports(const pugi::xml_node& e, ScannedHost& h) {
    const PortState state = parse_port_state(e.attribute("state").value());
    const std::uint32_t count = e.attribute("count").as_uint(0);
    bool any_reason = false;
    for (const pugi::xml_node& r : e.children("extrareasons")) {
      if (h.extra_ports.size() >= limits_.max_items) break;
      any_reason = true;
      ExtraPorts x;
      x.state = state;
      x.count = r.attribute("count").as_uint(0);
      x.reason = text(r.attribute("reason"), "extraports reason", h.notes);
      x.protocol = text(r.attribute("proto"), "extraports protocol", h.notes);
      if (!parse_scan_protocol(x.protocol)) x.protocol.clear();
      if (r.attribute("ports")) {
        if (std::optional<PortSet> ports = port_list(r.attribute("ports"), "extraports", h.notes)) {
          x.ports = std::move(*ports);
        }
      }
      h.extra_ports.push_back(std::move(x));
    }
    if (!any_reason && h.extra_ports.size() < limits_.max_items) {
      ExtraPorts x;
      x.state = state;
      x.count = count;
      h.extra_ports.push_back(std::move(x));
    }
  }

  void read_scripts(const pugi::xml_node& parent, std::vector<ScriptResult>& out, std::string_view owner,
                    std::string_view what, std::vector<std::string>& notes) {
    for (const pugi::xml_node& s : parent.children("script")) {
      if (out.size() >= limits_.max_items) {
        note(notes, fmt::format("{}{}s beyond {} left out", owner, what, limits_.max_items));
        break;
      }
      ScriptResult r;
      r.id = text(s.attribute("id"), {owner, what, " id"}, notes);
      r.output = text(s.attribute("output"), {owner, what, " output of ", r.id}, notes, limits_.max_script_output);
      out.push_back(std::move(r));
    }
  }

  // nmap lists a host once per run; a repeated address (a crafted file, or the same target given
  // twice) keeps its first entry.
  void merge_duplicate_hosts(NmapScan& scan) {
    std::vector<std::size_t> order(scan.hosts.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scan.hosts[a].address < scan.hosts[b].address; });
    std::vector<bool> drop(scan.hosts.size(), false);
    std::size_t dropped = 0;
    for (std::size_t i = 1; i < order.size(); ++i) {
      if (scan.hosts[order[i]].address == scan.hosts[order[i - 1]].address) {
        drop[order[i]] = true;
        ++dropped;
      }
    }
    if (dropped == 0) return;
    std::vector<ScannedHost> kept;
    kept.reserve(scan.hosts.size() - dropped);
    for (std::size_t i = 0; i < scan.hosts.size(); ++i) {
      if (!drop[i]) kept.push_back(std::move(scan.hosts[i]));
    }
    scan.hosts = std::move(kept);
    note(scan.notes, fmt::format("{} repeated host entries left out (the first of each address kept)", dropped));
  }

  std::string_view source_;
  const NmapLimits& limits_;
};

}  // namespace

std::size_t line_of_offset(std::string_view text, std::size_t offset) noexcept {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

NmapScan parse_nmap_xml(std::string_view xml, std::string_view source, const NmapLimits& limits) {
  refuse_dtd_subset(xml, source);
  pugi::xml_document doc;
  // No parse_doctype, no parse_pi: declarations are skipped. Escapes: only XML's five named
  // entities and numeric references are expanded; any other &name; stays literal text. UTF-8 is
  // forced so the byte check above sees what the parser sees.
  const unsigned options = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol;
  const pugi::xml_parse_result result = doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!result) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
    std::size_t content_end = xml.size();
    while (content_end > 0 && std::isspace(static_cast<unsigned char>(xml[content_end - 1])) != 0) --content_end;
    if (result.status == pugi::status_no_document_element) {
      throw Error(ErrorKind::kInput,
                  fmt::format("'{}' is not nmap XML output: it holds no XML element (expected <nmaprun>, as "
                              "written by nmap -oX FILE)",
                              source));
    }
    // nmap writes its XML as the scan goes: a file cut short is the usual way to get here.
    const bool cut_short = offset >= content_end || !xml.substr(0, content_end).ends_with("</nmaprun>");
    throw Error(ErrorKind::kInput,
                fmt::format("'{}' line {}: malformed XML: {}{}", source, line_of_offset(xml, offset),
                            result.description(),
                            cut_short ? " (the file ends before </nmaprun>: was nmap interrupted?)" : ""));
  }
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "nmaprun") {
    bool truncated = false;
    throw Error(ErrorKind::kInput,
                fmt::format("'{}' is not nmap XML output: the root element is <{}>, expected <nmaprun> (as written "
                            "by nmap -oX FILE)",
                            source, clean_text(root.name(), 64, truncated)));
  }
  Reader reader(source, limits);
  return reader.read(root);
}

NmapScan load_nmap_xml(const std::filesystem::path& path, std::string* text, const NmapLimits& limits) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorKind::kNotFound, fmt::format("cannot open '{}': no such file", name));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorKind::kIo, fmt::format("cannot read '{}': it is a directory", name));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, fmt::format("cannot open '{}': permission denied or unreadable", name));
  std::string buffer;
  char chunk[1 << 16];
  while (in) {
    in.read(chunk, sizeof chunk);
    buffer.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (buffer.size() > limits.max_file_bytes) {
      throw Error(ErrorKind::kInput, fmt::format("'{}' is larger than {} MiB; nta imports nmap files up to that size",
                                                 name, limits.max_file_bytes >> 20));
    }
  }
  if (in.bad()) throw Error(ErrorKind::kIo, fmt::format("cannot read '{}': read error", name));
  NmapScan scan = parse_nmap_xml(buffer, name, limits);
  if (text != nullptr) *text = std::move(buffer);
  return scan;
}

}  // namespace nta
