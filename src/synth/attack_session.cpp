#include "synth/attack_session.h"

#include <utility>

namespace nta {
namespace {

class StreamSession final : public Session {
 public:
  StreamSession(std::shared_ptr<AttackStream> stream, std::unique_ptr<Session> inner)
      : stream_(std::move(stream)), inner_(std::move(inner)) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    SessionContext own{.frames = ctx.frames,
                       .rng = stream_->rng,
                       .network = ctx.network,
                       .payload = ctx.payload,
                       .scratch = ctx.scratch,
                       .noise = ctx.noise,
                       .end_ns = ctx.end_ns,
                       .spawned = {},
                       .flows = 0};
    const SessionStep result = inner_->step(own, now_ns);
    for (auto& spawned : own.spawned) {
      ctx.spawn(std::make_unique<StreamSession>(stream_, std::move(spawned.session)), spawned.at_ns);
    }
    ctx.flows += own.flows;
    if (result.frame_size != 0) {
      AttackTally& t = stream_->tally;
      if (t.packets == 0) t.first_ns = now_ns;
      t.last_ns = now_ns;
      ++t.packets;
      t.bytes += result.frame_size;
    }
    return result;
  }

 private:
  std::shared_ptr<AttackStream> stream_;
  std::unique_ptr<Session> inner_;
};

bool reserved(std::uint32_t a) noexcept {
  const auto in = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  return in(0x00000000, 8) || in(0x0a000000, 8) || in(0x64400000, 10) || in(0x7f000000, 8) ||
         in(0xa9fe0000, 16) || in(0xac100000, 12) || in(0xc0000000, 24) || in(0xc0000200, 24) ||
         in(0xc0a80000, 16) || in(0xc6120000, 15) || in(0xc6336400, 24) || in(0xcb007100, 24) ||
         a >= 0xe0000000;
}

}  // namespace

std::unique_ptr<Session> attach_stream(std::shared_ptr<AttackStream> stream,
                                       std::unique_ptr<Session> session) {
  return std::make_unique<StreamSession>(std::move(stream), std::move(session));
}

IpAddress ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
  const std::uint8_t bytes[4] = {a, b, c, d};
  return IpAddress::v4(bytes);
}

IpAddress random_public_ipv4(Rng& rng) noexcept {
  std::uint32_t a = 0;
  do {
    a = rng.next_u32();
  } while (reserved(a) || (a & 0xff) == 0 || (a & 0xff) == 0xff);
  return ipv4(static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
              static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a));
}

PortCounter::PortCounter(const Host& host, Rng& rng) noexcept
    : lo_(host.profile().port_lo),
      hi_(host.profile().port_hi),
      next_(static_cast<std::uint16_t>(rng.between(host.profile().port_lo, host.profile().port_hi))) {}

std::uint16_t PortCounter::next() noexcept {
  if (next_ < lo_ || next_ >= hi_) next_ = lo_;
  return next_++;
}

}  // namespace nta
