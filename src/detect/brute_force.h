#pragma once
// brute_force: many short connections, or failed logins, from one source to one login service
// (T1110). Counts per (source, server, port) and window the connections opened, those that ended
// short (at most max_connection_seconds, the client sending at most max_connection_bytes), and
// the failed-login replies of the clear-text services (FTP 530, SMTP 535, POP3 -ERR, IMAP NO,
// telnet "Login incorrect"). Alerts on min_connections short connections or min_failed_logins.
#include <cstdint>
#include <span>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"
#include "flow/flow_record.h"

namespace nta {

class BruteForceDetector {
 public:
  BruteForceDetector(const BruteForceRules& rules, std::size_t max_tracked, AlertLog& log);

  [[nodiscard]] bool watches(std::uint16_t port) const noexcept { return rules_.ports.contains(port); }

  void on_connection(const IpAddress& client, const IpAddress& server, std::uint16_t port, std::int64_t now_ns);
  void on_connection_end(const FlowRecord& r);
  // A payload from the server of a watched clear-text service; counts it when it says a login failed.
  void on_server_payload(const IpAddress& client, const IpAddress& server, std::uint16_t port,
                         std::span<const std::uint8_t> payload, std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    Window window;
    std::uint32_t attempts = 0;
    std::uint32_t short_connections = 0;
    std::uint32_t failed_logins = 0;
    std::int64_t short_duration_ns = 0;
    bool fired = false;
    Throttle throttle;
  };

  State& state(const IpAddress& client, const IpAddress& server, std::uint16_t port, std::int64_t now_ns);
  void evaluate(const IpAddress& client, const IpAddress& server, std::uint16_t port, State& s, std::int64_t now_ns);

  BruteForceRules rules_;
  std::int64_t window_ns_;
  std::int64_t max_connection_ns_;
  AlertLog& log_;
  LruTable<PairKey, State, WordKeyHash> table_;
};

// True when a server's reply on `port` reports a failed login (the clear-text protocols above).
[[nodiscard]] bool is_failed_login_reply(std::uint16_t port, std::span<const std::uint8_t> payload) noexcept;
// "ssh", "ftp", "rdp", ... for the watched ports, else "tcp/<port>".
[[nodiscard]] std::string service_text(std::uint16_t port);

}  // namespace nta
