#pragma once
// dns_tunnel: data carried in DNS queries (T1071.004). Each query a host sends (UDP or TCP to
// port 53) is read with the application layer's DNS parser. A query is suspicious when its type
// is NULL, when it has a label of at least long_label characters with at least
// min_label_entropy bits per character, or when the whole name is at least long_name long.
// Alerts (high) when one host queries min_suspicious_queries distinct suspicious names in a
// window, or (medium) min_domain_subdomains distinct names, each with at least 10 characters
// below the domain, under one registered domain. Hosts are tracked from their first suspicious
// query on, (host, domain) pairs only for names long enough to carry data.
// Reverse lookups (.arpa) and multicast DNS (.local) are skipped.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

struct DnsMessage;

struct DnsNameShape {
  std::size_t length = 0;          // characters of the (escaped) name
  std::size_t longest_label = 0;
  double longest_label_entropy = 0;  // bits per character
  std::string_view domain;         // the registered domain: the last two labels, three under co.uk-style suffixes
};
// Measures a query name as dns_tunnel does; the entropy only when the longest label has at least
// `entropy_from` characters (it is left 0 otherwise: short labels are not judged by it).
[[nodiscard]] DnsNameShape dns_name_shape(std::string_view name, std::size_t entropy_from = 0) noexcept;

class DnsTunnelDetector {
 public:
  DnsTunnelDetector(const DnsTunnelRules& rules, std::size_t max_tracked, AlertLog& log);
  ~DnsTunnelDetector();
  DnsTunnelDetector(DnsTunnelDetector&&) noexcept;

  // A DNS message from `client` to `server` (the message itself, without TCP's length prefix).
  void on_message(const IpAddress& client, const IpAddress& server, std::span<const std::uint8_t> message,
                  std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return hosts_.evictions() + domains_.evictions(); }

 private:
  struct HostState {
    Window window;
    std::uint32_t queries = 0;
    std::uint32_t suspicious = 0;
    std::uint32_t null_txt = 0;
    std::uint32_t longest_label = 0;
    DistinctCounter<1024, 24> suspicious_names;
    IpAddress server;
    std::array<char, 64> domain{};
    std::uint8_t domain_len = 0;
    std::array<char, 96> sample{};
    std::uint8_t sample_len = 0;
    bool fired = false;
    Throttle throttle;
  };
  struct DomainState {
    Window window;
    std::uint32_t queries = 0;
    DistinctSketch<512> names;
    std::array<char, 64> domain{};
    std::uint8_t domain_len = 0;
    bool fired = false;
    Throttle throttle;
  };

  static constexpr std::size_t kMinSubdomain = 10;  // characters below the domain for the volume rule

  void on_host_query(HostState& h, const IpAddress& client, const IpAddress& server, std::uint16_t qtype,
                     std::string_view name, const DnsNameShape& shape, bool suspicious, std::uint64_t name_hash,
                     std::int64_t now_ns);

  DnsTunnelRules rules_;
  std::unique_ptr<DnsMessage> scratch_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<HostKey, HostState, WordKeyHash> hosts_;
  LruTable<HostKey, DomainState, WordKeyHash> domains_;
};

}  // namespace nta
