#include "pipeline/stop_signal.h"

#include <atomic>
#include <csignal>

namespace nta {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<PacketSource*> g_active_source{nullptr};

void on_signal(int /*signo*/) {
  g_stop.store(true, std::memory_order_relaxed);
  if (PacketSource* s = g_active_source.load(std::memory_order_relaxed)) s->interrupt();
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

void request_stop() noexcept { on_signal(0); }
bool stop_requested() noexcept { return g_stop.load(std::memory_order_relaxed); }
void clear_stop_request() noexcept { g_stop.store(false); }

ActiveSourceGuard::ActiveSourceGuard(PacketSource* source) noexcept { g_active_source.store(source); }
ActiveSourceGuard::~ActiveSourceGuard() { g_active_source.store(nullptr); }

}  // namespace nta
