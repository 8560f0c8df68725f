#pragma once
// Ctrl-C and SIGTERM end a run cleanly: the handler only sets a flag and wakes the capture; the
// packet loop sees the flag, stops reading, and writes everything it has.
#include "capture/packet_source.h"

namespace nta {

// Installs SIGINT/SIGTERM handlers that call request_stop(), and ignores SIGPIPE.
void install_stop_handlers();
// Asks a running job to stop. Async-signal-safe.
void request_stop() noexcept;
[[nodiscard]] bool stop_requested() noexcept;
// Forgets an earlier request (at the start of a run).
void clear_stop_request() noexcept;

// While alive, a stop request also interrupts this source's blocking read.
class ActiveSourceGuard {
 public:
  explicit ActiveSourceGuard(PacketSource* source) noexcept;
  ~ActiveSourceGuard();
  ActiveSourceGuard(const ActiveSourceGuard&) = delete;
  ActiveSourceGuard& operator=(const ActiveSourceGuard&) = delete;
};

}  // namespace nta
