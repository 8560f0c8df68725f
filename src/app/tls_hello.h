#pragma once
// TLS ClientHello and ServerHello (RFC 8446 4.1.2-4.1.3, RFC 5246 7.4.1), read in place from the
// first handshake record of a TCP payload: versions, server_name (RFC 6066), ALPN (RFC 7301) and
// supported_versions. A hello cut by the end of the segment is read as far as its bytes go: only
// fields and extensions that are complete are used. No reassembly across segments or records.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace nta {

namespace tlsversion {
inline constexpr std::uint16_t kSsl3 = 0x0300;
inline constexpr std::uint16_t kTls10 = 0x0301;
inline constexpr std::uint16_t kTls11 = 0x0302;
inline constexpr std::uint16_t kTls12 = 0x0303;
inline constexpr std::uint16_t kTls13 = 0x0304;
}  // namespace tlsversion

enum class TlsHelloKind : std::uint8_t { kNone, kClientHello, kServerHello };

struct TlsHello {
  TlsHelloKind kind = TlsHelloKind::kNone;
  std::uint16_t legacy_version = 0;  // the hello's version field (0x0303 in TLS 1.3 hellos)
  // ClientHello: the highest non-GREASE version in supported_versions; ServerHello: the version
  // it selects there. 0 when the extension is absent.
  std::uint16_t supported_version = 0;
  std::span<const std::uint8_t> server_name;  // first host_name entry of server_name (raw bytes)
  std::span<const std::uint8_t> alpn;         // ALPN ProtocolNameList without its length (raw)
  bool has_server_name = false;
  bool has_alpn = false;
  bool truncated = false;  // the record or message ended before the lengths it declares
  bool malformed = false;  // a length inside the message contradicts its container

  // The version the hello speaks for: supported_versions when present, else legacy_version.
  [[nodiscard]] std::uint16_t version() const noexcept {
    return supported_version != 0 ? supported_version : legacy_version;
  }
};

// True when `payload` starts like a TLS handshake record carrying a ClientHello or ServerHello
// (content type 22, major version 3, handshake type 1 or 2): the content signature.
bool looks_like_tls_hello(std::span<const std::uint8_t> payload) noexcept;

// Parses the hello at the start of `payload`; kind stays kNone when it is not one.
TlsHello parse_tls_hello(std::span<const std::uint8_t> payload) noexcept;

// Calls fn(std::span<const uint8_t>) for each protocol in an ALPN ProtocolNameList, stopping at the
// first entry whose length runs past the list.
template <typename Fn>
void for_each_alpn_protocol(std::span<const std::uint8_t> list, Fn&& fn) {
  std::size_t i = 0;
  while (i < list.size()) {
    const std::size_t len = list[i];
    if (len > list.size() - i - 1) return;
    fn(list.subspan(i + 1, len));
    i += 1 + len;
  }
}

// GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ..., 0xfafa.
[[nodiscard]] constexpr bool is_tls_grease(std::uint16_t v) noexcept {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

// Zeek's version names: "SSLv3", "TLSv10", "TLSv11", "TLSv12", "TLSv13"; "" for other values.
std::string_view tls_version_name(std::uint16_t version) noexcept;

}  // namespace nta
