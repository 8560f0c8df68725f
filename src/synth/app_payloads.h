#pragma once
// Application payloads in their real wire formats (TLS 1.3 handshake records, SSH transport
// messages, NTP, NetBIOS name queries, ping data), so dissectors see genuine protocol structure.
// Ciphertext is stand-in random bytes: what matters for analysis is the framing and the sizes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "synth/rng.h"

namespace nta {

// ---- TLS ---------------------------------------------------------------------------------------

inline constexpr std::size_t kTlsRecordHeader = 5;
// An AEAD record carries at least a content-type byte and a 16-byte tag.
inline constexpr std::size_t kTlsMinRecord = kTlsRecordHeader + 17;

namespace tls {
inline constexpr std::uint8_t kChangeCipherSpec = 20;
inline constexpr std::uint8_t kAlert = 21;
inline constexpr std::uint8_t kHandshake = 22;
inline constexpr std::uint8_t kApplicationData = 23;
}  // namespace tls

using TlsSessionId = std::array<std::uint8_t, 32>;

// A browser-like TLS 1.3 ClientHello record with SNI and ALPN, padded to 512 bytes of handshake
// as Chrome does. Returns its size (0 if `out` is too small).
std::size_t write_tls_client_hello(std::span<std::uint8_t> out, std::string_view server_name,
                                   const TlsSessionId& session_id, Rng& rng) noexcept;
// The size write_tls_client_hello will produce for this name.
std::size_t tls_client_hello_size(std::string_view server_name) noexcept;
// A TLS 1.3 ServerHello record followed by the middlebox-compatibility ChangeCipherSpec record.
std::size_t write_tls_server_hello(std::span<std::uint8_t> out, const TlsSessionId& session_id,
                                   Rng& rng) noexcept;
inline constexpr std::size_t kTlsServerHelloSize = 127 + 6;
// One record filling `out` exactly: a header and stand-in ciphertext from `body` (at least
// out.size() - 5 bytes).
void write_tls_record(std::span<std::uint8_t> out, std::uint8_t content_type,
                      std::span<const std::uint8_t> body) noexcept;

// ---- SSH ---------------------------------------------------------------------------------------

inline constexpr std::string_view kSshClientBanners[] = {
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
    "SSH-2.0-OpenSSH_9.6\r\n",
    "SSH-2.0-OpenSSH_for_Windows_8.6\r\n",
    "SSH-2.0-PuTTY_Release_0.80\r\n",
};
inline constexpr std::string_view kSshServerBanners[] = {
    "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n",
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n",
    "SSH-2.0-babeld-8405f9f3\r\n",
};

// SSH_MSG_KEXINIT with an OpenSSH-like algorithm offer, in a binary packet. Sizes do not depend
// on the random bytes (cookie, padding), so a seeded Rng reproduces the same message.
std::size_t write_ssh_kexinit(std::span<std::uint8_t> out, bool server, Rng& rng) noexcept;
// SSH_MSG_KEX_ECDH_INIT (curve25519).
std::size_t write_ssh_ecdh_init(std::span<std::uint8_t> out, Rng& rng) noexcept;
// SSH_MSG_KEX_ECDH_REPLY (ed25519 host key) followed by SSH_MSG_NEWKEYS, as servers send them.
std::size_t write_ssh_ecdh_reply(std::span<std::uint8_t> out, Rng& rng) noexcept;
// SSH_MSG_NEWKEYS alone.
std::size_t write_ssh_newkeys(std::span<std::uint8_t> out, Rng& rng) noexcept;

// ---- NTP, NetBIOS, ping ------------------------------------------------------------------------

inline constexpr std::size_t kNtpSize = 48;
// Unix nanoseconds as a 64-bit NTP timestamp (seconds since 1900, binary fraction).
std::uint64_t ntp_timestamp(std::int64_t unix_ns) noexcept;
// A client (mode 3) request; transmit_ns is the client's clock when sending.
void write_ntp_request(std::span<std::uint8_t, kNtpSize> out, std::int64_t transmit_ns) noexcept;
// The server's (mode 4) reply to a request sent at client_transmit_ns.
void write_ntp_response(std::span<std::uint8_t, kNtpSize> out, std::int64_t client_transmit_ns,
                        std::int64_t receive_ns, std::int64_t transmit_ns, std::uint8_t stratum,
                        std::uint32_t reference_id) noexcept;

inline constexpr std::size_t kNbnsNodeStatusSize = 50;
// A NetBIOS node status request for "*", as Windows and nbtstat -A send.
void write_nbns_node_status(std::span<std::uint8_t, kNbnsNodeStatusSize> out, std::uint16_t id) noexcept;

// Echo data: Windows sends 32 letters; Linux and macOS a timeval followed by a byte ramp.
std::size_t ping_payload_size(bool windows) noexcept;
void write_ping_payload(std::span<std::uint8_t> out, bool windows, std::int64_t now_ns) noexcept;

// "Mon, 19 Feb 2024 14:30:00 GMT" (RFC 9110 IMF-fixdate); writes 29 characters.
inline constexpr std::size_t kHttpDateSize = 29;
void format_http_date(std::int64_t unix_seconds, char* out) noexcept;

}  // namespace nta
