#pragma once
// A session is one small state machine of the traffic generator: a DNS lookup, a TCP connection,
// a ping series, a host's activity. The generator keeps sessions in a queue ordered by their next
// due time and asks the earliest one for its next packet, so packets come out in time order with
// no session knowing about the others. New kinds (attack scenarios, say) implement Session and
// are handed to TrafficGenerator::add_session or spawned by another session.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "synth/frame_builder.h"
#include "synth/rng.h"

namespace nta {

class Network;
class Session;

// Times inside the generator are nanoseconds since the Unix epoch (Timestamp::ns).
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// What a session did when it came due.
struct SessionStep {
  std::size_t frame_size = 0;     // bytes the session built in the frame buffer; 0 for no packet
  std::int64_t next_ns = kNever;  // when it is due again; kNever ends the session
};

// Scratch sizes: a segment's payload, and room to compose a whole application message in.
inline constexpr std::size_t kPayloadBufferSize = kMaxFrameSize;
inline constexpr std::size_t kScratchBufferSize = 8192;

// What the generator lends a session while it steps. Buffers are shared by all sessions, so
// nothing kept in them survives to the session's next step.
struct SessionContext {
  FrameBuilder& frames;  // builds the step's frame into the generator's buffer
  Rng& rng;              // the one random stream; consumption order is deterministic
  Network& network;
  std::span<std::uint8_t> payload;      // kPayloadBufferSize bytes for the frame's payload
  std::span<std::uint8_t> scratch;      // kScratchBufferSize bytes to compose messages in
  std::span<const std::uint8_t> noise;  // random bytes that stand in for ciphertext
  std::int64_t end_ns = kNever;         // when the capture ends; sessions may plan with it

  // Starts `session` at `at_ns` (not earlier than the current step's time).
  void spawn(std::unique_ptr<Session> session, std::int64_t at_ns) {
    spawned.push_back({at_ns, std::move(session)});
  }
  // Sessions call this on the first packet of each flow (5-tuple) they open.
  void count_flow() noexcept { ++flows; }

  // `len` bytes of stand-in ciphertext from a random place in the noise pool.
  [[nodiscard]] std::span<const std::uint8_t> random_bytes(std::size_t len) noexcept {
    const std::size_t room = noise.size() - len;
    return noise.subspan(static_cast<std::size_t>(rng.below(room + 1)), len);
  }

  struct Spawned {
    std::int64_t at_ns;
    std::unique_ptr<Session> session;
  };
  std::vector<Spawned> spawned;  // drained by the generator after each step
  std::uint64_t flows = 0;
};

class Session {
 public:
  virtual ~Session() = default;
  // Called when the session is due (now_ns is the time it asked for). Builds at most one frame
  // (through ctx.frames) stamped with now_ns and says when it is due next.
  virtual SessionStep step(SessionContext& ctx, std::int64_t now_ns) = 0;
};

}  // namespace nta
