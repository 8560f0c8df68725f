#include "detect/dns_tunnel.h"

#include <fmt/core.h>

#include <cmath>
#include <cstring>

#include "app/dns_message.h"

namespace nta {
namespace {

constexpr std::uint16_t kTypeNull = 10;
constexpr std::uint16_t kTypeTxt = 16;

std::uint64_t text_hash(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

double entropy(std::string_view s) noexcept {
  if (s.empty()) return 0;
  std::array<std::uint16_t, 256> counts{};
  for (const char c : s) ++counts[static_cast<unsigned char>(c)];
  double h = 0;
  const double n = static_cast<double>(s.size());
  for (const char c : s) {
    std::uint16_t& k = counts[static_cast<unsigned char>(c)];
    if (k == 0) continue;  // this character was counted already
    const double p = static_cast<double>(k) / n;
    h -= p * std::log2(p);
    k = 0;
  }
  return h;
}

bool ends_with(std::string_view s, std::string_view tail) noexcept {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Second-level labels under which registries sell names (example.co.uk, example.com.au).
bool generic_second_level(std::string_view label) noexcept {
  for (const std::string_view g : {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "mil"}) {
    if (label == g) return true;
  }
  return false;
}

template <std::size_t N>
std::uint8_t copy_text(std::array<char, N>& out, std::string_view s) noexcept {
  const std::size_t n = s.size() < N ? s.size() : N;
  std::memcpy(out.data(), s.data(), n);
  return static_cast<std::uint8_t>(n);
}

// What the question of a query looks like, read from the wire without decoding the name: enough
// to tell that an ordinary query (short labels, a short part below the domain) can change nothing
// but a tracked host's query count, so the parser need not run for it.
struct QuickLook {
  bool query = false;      // a standard query with a question
  bool decode = false;     // the name needs the parser (a compression pointer, an odd label)
  bool reverse_or_local = false;
  std::uint16_t qtype = 0;
  std::size_t length = 0;  // the name's length once escaped (dots between labels included)
  std::size_t longest = 0;
  std::size_t below_domain = 0;  // characters before the last two labels
};

QuickLook quick_look(std::span<const std::uint8_t> msg) noexcept {
  QuickLook q;
  if (msg.size() < kDnsHeaderLen + 5) return q;
  const unsigned flags = (unsigned{msg[2]} << 8) | msg[3];
  const unsigned qdcount = (unsigned{msg[4]} << 8) | msg[5];
  if ((flags & 0x8000) != 0 || ((flags >> 11) & 0x0f) != 0 || qdcount == 0) return q;
  std::size_t pos = kDnsHeaderLen;
  std::size_t last = 0;
  std::size_t second = 0;
  std::size_t labels = 0;
  std::size_t last_start = 0;
  for (;;) {
    if (pos >= msg.size()) return q;  // cut short: the parser would refuse it too
    const std::size_t len = msg[pos];
    if (len == 0) break;
    if ((len & 0xc0) != 0 || pos - kDnsHeaderLen > kMaxDnsNameWire) {
      q.query = true;
      q.decode = true;
      return q;
    }
    if (pos + 1 + len > msg.size()) return q;
    std::size_t escaped = 0;
    for (std::size_t i = pos + 1; i <= pos + len; ++i) {
      const std::uint8_t b = msg[i];
      escaped += (b >= 0x20 && b < 0x7f && b != '\\' && b != '.') ? 1 : 4;
    }
    q.length += escaped + (labels == 0 ? 0 : 1);
    if (escaped > q.longest) q.longest = escaped;
    second = last;
    last = escaped;
    last_start = pos + 1;
    ++labels;
    pos += 1 + len;
  }
  if (pos + 3 > msg.size()) return q;
  q.query = true;
  q.qtype = static_cast<std::uint16_t>((unsigned{msg[pos + 1]} << 8) | msg[pos + 2]);
  const std::size_t domain = labels >= 2 ? last + second + 1 : q.length;
  q.below_domain = q.length > domain + 1 ? q.length - domain - 1 : 0;
  const std::string_view tail(reinterpret_cast<const char*>(msg.data() + last_start), last);
  q.reverse_or_local = labels > 0 && (tail == "arpa" || tail == "local");
  return q;
}

}  // namespace

DnsNameShape dns_name_shape(std::string_view name, std::size_t entropy_from) noexcept {
  DnsNameShape shape;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  shape.length = name.size();
  // Labels end at '.' (a dot inside a label is escaped as \x2e by the parser).
  std::size_t start = 0;
  std::size_t dots[3] = {std::string_view::npos, std::string_view::npos, std::string_view::npos};
  std::string_view longest;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i != name.size() && name[i] != '.') continue;
    const std::string_view label = name.substr(start, i - start);
    if (label.size() > longest.size()) longest = label;
    if (i != name.size()) {
      dots[2] = dots[1];
      dots[1] = dots[0];
      dots[0] = i;
    }
    start = i + 1;
  }
  shape.longest_label = longest.size();
  if (longest.size() >= entropy_from) shape.longest_label_entropy = entropy(longest);
  // dots[0] is the last dot, dots[1] the one before.
  if (dots[0] == std::string_view::npos) {
    shape.domain = name;
  } else if (dots[1] == std::string_view::npos) {
    shape.domain = name;
  } else {
    const std::string_view tld = name.substr(dots[0] + 1);
    const std::string_view second = name.substr(dots[1] + 1, dots[0] - dots[1] - 1);
    if (tld.size() == 2 && generic_second_level(second)) {
      shape.domain = dots[2] == std::string_view::npos ? name : name.substr(dots[2] + 1);
    } else {
      shape.domain = name.substr(dots[1] + 1);
    }
  }
  return shape;
}

DnsTunnelDetector::DnsTunnelDetector(const DnsTunnelRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules),
      scratch_(std::make_unique<DnsMessage>()),
      window_ns_(to_ns(rules.window_seconds)),
      log_(log),
      hosts_(max_tracked),
      domains_(max_tracked) {}

DnsTunnelDetector::~DnsTunnelDetector() = default;
DnsTunnelDetector::DnsTunnelDetector(DnsTunnelDetector&&) noexcept = default;

void DnsTunnelDetector::on_message(const IpAddress& client, const IpAddress& server,
                                   std::span<const std::uint8_t> message, std::int64_t now_ns) {
  const QuickLook look = quick_look(message);
  if (!look.query || look.reverse_or_local) return;
  if (!look.decode && look.qtype != kTypeNull && look.longest < rules_.long_label && look.length < rules_.long_name &&
      look.below_domain < kMinSubdomain) {
    // An ordinary query: it only counts for a host already tracked.
    if (HostState* h = hosts_.find(host_key(client))) {
      roll_window(*h, now_ns, window_ns_);
      ++h->queries;
      if (look.qtype == kTypeTxt) ++h->null_txt;
      if (h->fired) log_.touch(h->throttle, now_ns);
    }
    return;
  }
  DnsMessage& m = *scratch_;  // reused: the message holds a 1 KiB name buffer
  if (!parse_dns_message(message, m) || m.is_response() || m.opcode() != 0 || !m.has_question) return;
  const std::string_view name = m.qname.view();
  if (name.empty() || name == "." || ends_with(name, ".arpa") || ends_with(name, ".arpa.") || ends_with(name, ".local") ||
      ends_with(name, ".local.")) {
    return;
  }
  const DnsNameShape shape = dns_name_shape(name, rules_.long_label);
  const bool suspicious = m.qtype == kTypeNull ||
                          (shape.longest_label >= rules_.long_label &&
                           shape.longest_label_entropy >= rules_.min_label_entropy) ||
                          shape.length >= rules_.long_name;
  const std::uint64_t name_hash = text_hash(name);

  // Hosts get state at their first suspicious query; then every query of theirs is counted.
  bool created = false;
  HostState* hp = suspicious ? &hosts_.upsert(host_key(client), created) : hosts_.find(host_key(client));
  if (hp != nullptr) on_host_query(*hp, client, server, m.qtype, name, shape, suspicious, name_hash, now_ns);

  // Many names under one domain: names with a long part below the domain only (data needs room),
  // and only when the host-level rule is not already reporting.
  if (shape.length < shape.domain.size() + kMinSubdomain) return;
  if (hp != nullptr && hp->fired) return;
  const std::uint64_t domain_hash = text_hash(shape.domain) & 0x00ffffffffffffffULL;
  DomainState& d = domains_.upsert(host_key(client, domain_hash), created);
  if (roll_window(d, now_ns, window_ns_)) d.domain_len = copy_text(d.domain, shape.domain);
  ++d.queries;
  d.names.add(name_hash);
  const double names = d.names.estimate();
  if (names < rules_.min_domain_subdomains) return;
  log_.report(d.throttle, d.fired, now_ns, Severity::kMedium, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kDnsTunnel;
    a.severity = Severity::kMedium;
    a.mitre = "T1071.004";
    a.src = client;
    a.dest = server;
    a.first_seen.ns = d.window.start_ns;
    a.last_seen.ns = now_ns;
    const std::string_view domain(d.domain.data(), d.domain_len);
    a.summary = fmt::format("DNS tunnel suspected from {} via {}: {} distinct names under {} in {:.0f} s",
                            to_string(client), to_string(server), count_text(static_cast<std::uint64_t>(std::llround(names))),
                            domain, d.window.seconds(now_ns));
    a.add("queries", d.queries);
    a.add("distinct_names", static_cast<std::uint64_t>(std::llround(names)));
    a.add("domain", std::string(domain));
    a.add("queries_per_minute", round_to(d.window.rate(d.queries, now_ns) * 60, 1));
    return a;
  });
}

void DnsTunnelDetector::on_host_query(HostState& h, const IpAddress& client, const IpAddress& server,
                                      std::uint16_t qtype, std::string_view name, const DnsNameShape& shape,
                                      bool suspicious, std::uint64_t name_hash, std::int64_t now_ns) {
  const bool null_or_txt = qtype == kTypeNull || qtype == kTypeTxt;
  roll_window(h, now_ns, window_ns_);
  ++h.queries;
  h.server = server;
  if (null_or_txt) ++h.null_txt;
  if (suspicious) {
    ++h.suspicious;
    h.suspicious_names.add(name_hash);
    if (shape.longest_label > h.longest_label) h.longest_label = static_cast<std::uint32_t>(shape.longest_label);
    h.domain_len = copy_text(h.domain, shape.domain);
    if (h.sample_len == 0) h.sample_len = copy_text(h.sample, name);
  }
  const double distinct = h.suspicious_names.estimate();
  if (suspicious && distinct >= rules_.min_suspicious_queries) {
    log_.report(h.throttle, h.fired, now_ns, Severity::kHigh, [&] {
      Alert a;
      a.ts.ns = now_ns;
      a.detector = DetectorId::kDnsTunnel;
      a.severity = Severity::kHigh;
      a.mitre = "T1071.004";
      a.src = client;
      a.dest = server;
      a.first_seen.ns = h.window.start_ns;
      a.last_seen.ns = now_ns;
      const std::string_view domain(h.domain.data(), h.domain_len);
      a.summary = fmt::format("DNS tunnel from {} via {}: {} suspicious names (long random labels, NULL/TXT) "
                              "of {} queries, e.g. under {}",
                              to_string(client), to_string(server), count_text(h.suspicious), count_text(h.queries),
                              domain);
      a.add("queries", h.queries);
      a.add("suspicious_queries", h.suspicious);
      a.add("distinct_suspicious_names", static_cast<std::uint64_t>(std::llround(distinct)));
      a.add("null_txt_queries", h.null_txt);
      a.add("longest_label", h.longest_label);
      a.add("domain", std::string(domain));
      a.add("sample_query", std::string(h.sample.data(), h.sample_len));
      a.add("queries_per_minute", round_to(h.window.rate(h.queries, now_ns) * 60, 1));
      return a;
    });
  } else if (h.fired) {
    log_.touch(h.throttle, now_ns);
  }
}

}  // namespace nta
