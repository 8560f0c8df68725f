#include "synth/traffic_generator.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace nta {
namespace {

constexpr std::uint32_t kMaxHosts = 60000;
constexpr std::size_t kNoiseSize = 64 * 1024 + kMaxFrameSize;
// Hosts come up over the first seconds of the capture rather than all at one instant.
constexpr double kHostStartSpreadSeconds = 10.0;

const TrafficConfig& validated(const TrafficConfig& c) {
  if (c.hosts < 1 || c.hosts > kMaxHosts) {
    throw Error(ErrorKind::kUsage, fmt::format("hosts must be 1..{}, not {}", kMaxHosts, c.hosts));
  }
  if (!(c.seconds > 0) || !std::isfinite(c.seconds) || c.seconds > 10.0 * 365 * 86400) {
    throw Error(ErrorKind::kUsage,
                fmt::format("seconds must be above 0 (and at most ten years), not {}", c.seconds));
  }
  if (!(c.mix.sessions_per_second > 0)) {
    throw Error(ErrorKind::kUsage, "the session rate must be above 0");
  }
  return c;
}

}  // namespace

TrafficGenerator::TrafficGenerator(const TrafficConfig& config)
    : config_(validated(config)),
      rng_(config.seed),
      network_(config.hosts, config.seed),
      frame_(kMaxFrameSize),
      payload_(kPayloadBufferSize),
      scratch_(kScratchBufferSize),
      noise_(kNoiseSize),
      builder_(frame_),
      context_{.frames = builder_,
               .rng = rng_,
               .network = network_,
               .payload = payload_,
               .scratch = scratch_,
               .noise = noise_,
               .end_ns = 0,
               .spawned = {},
               .flows = 0} {
  Rng noise_rng(config.seed ^ 0x6e6f697365ULL);
  noise_rng.fill(noise_);
  const std::int64_t start = config_.start.ns;
  end_ns_ = start + static_cast<std::int64_t>(std::llround(config_.seconds * 1e9));
  context_.end_ns = end_ns_;
  const double spread = std::min(config_.seconds, kHostStartSpreadSeconds);
  queue_.reserve(config_.hosts * 4 + 64);
  for (Host& host : network_.hosts()) {
    const auto offset = static_cast<std::int64_t>(rng_.unit() * spread * 1e9);
    push(start + offset, make_host_activity(host, config_.mix));
  }
}

TrafficGenerator::~TrafficGenerator() = default;

void TrafficGenerator::push(std::int64_t at_ns, std::unique_ptr<Session> session) {
  queue_.push_back(Entry{at_ns, order_++, std::move(session)});
  std::push_heap(queue_.begin(), queue_.end(), Later{});
}

void TrafficGenerator::add_session(std::unique_ptr<Session> session, Timestamp at) {
  push(at.ns, std::move(session));
}

bool TrafficGenerator::next(RawPacket& packet) {
  if (config_.max_packets != 0 && stats_.packets >= config_.max_packets) return false;
  while (!queue_.empty()) {
    std::pop_heap(queue_.begin(), queue_.end(), Later{});
    Entry entry = std::move(queue_.back());
    queue_.pop_back();
    if (entry.at_ns >= end_ns_) {
      // Nothing else is due inside the span: the capture ends here.
      queue_.clear();
      return false;
    }
    const std::int64_t now = entry.at_ns;
    const SessionStep step = entry.session->step(context_, now);
    for (auto& spawned : context_.spawned) push(std::max(spawned.at_ns, now), std::move(spawned.session));
    context_.spawned.clear();
    if (step.next_ns != kNever) {
      // A session may not go back in time: the queue's order is the capture's order.
      entry.at_ns = std::max(step.next_ns, now);
      entry.order = order_++;
      queue_.push_back(std::move(entry));
      std::push_heap(queue_.begin(), queue_.end(), Later{});
    }
    if (step.frame_size == 0) continue;
    packet.ts = Timestamp{now};
    packet.wire_len = static_cast<std::uint32_t>(step.frame_size);
    packet.link = LinkType::kEthernet;
    packet.data = std::span<const std::uint8_t>(frame_.data(), step.frame_size);
    if (stats_.packets == 0) stats_.first = packet.ts;
    stats_.last = packet.ts;
    ++stats_.packets;
    stats_.bytes += step.frame_size;
    stats_.flows_started = context_.flows;
    return true;
  }
  return false;
}

}  // namespace nta
