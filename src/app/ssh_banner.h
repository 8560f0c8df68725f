#pragma once
// The SSH identification string (RFC 4253 4.2): "SSH-protoversion-softwareversion [comments]",
// ended by CR LF (or a bare LF, as some old servers send). Read in place from one TCP payload.
#include <cstdint>
#include <span>

namespace nta {

struct SshBanner {
  std::span<const std::uint8_t> line;  // from "SSH-" up to, not including, CR LF
  bool complete = false;               // the line end was within the payload
};

// True when `payload` starts with "SSH-": the content signature.
bool looks_like_ssh_banner(std::span<const std::uint8_t> payload) noexcept;

// Finds the identification line: at the start of the payload, or (for a server, which may send
// other lines first) at the start of any later complete line. False when there is none.
bool find_ssh_banner(std::span<const std::uint8_t> payload, bool allow_preceding_lines,
                     SshBanner& out) noexcept;

}  // namespace nta
