#include "app/tls_hello.h"

#include <algorithm>

#include "decode/byte_reader.h"

namespace nta {
namespace {

constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kHandshakeHeader = 4;
constexpr std::size_t kRandom = 32;
constexpr std::uint8_t kContentHandshake = 22;
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 2;
constexpr std::uint16_t kExtServerName = 0;
constexpr std::uint16_t kExtAlpn = 16;
constexpr std::uint16_t kExtSupportedVersions = 43;

void read_server_name(ByteReader ext, TlsHello& out) noexcept {
  if (!ext.fits(2)) return;
  const std::size_t list_len = ext.be16(0);
  if (list_len > ext.size() - 2) {
    out.malformed = true;
    return;
  }
  const ByteReader list = ext.skip(2).first(list_len);
  for (std::size_t i = 0; list.fits(i, 3);) {
    const std::uint8_t type = list.u8(i);
    const std::size_t len = list.be16(i + 1);
    if (!list.fits(i + 3, len)) {
      out.malformed = true;
      return;
    }
    if (type == 0) {  // host_name
      out.server_name = {list.at(i + 3), len};
      out.has_server_name = true;
      return;
    }
    i += 3 + len;
  }
}

void read_alpn(ByteReader ext, TlsHello& out) noexcept {
  if (!ext.fits(2)) return;
  const std::size_t list_len = ext.be16(0);
  if (list_len > ext.size() - 2) {
    out.malformed = true;
    return;
  }
  out.alpn = {ext.at(2), list_len};
  out.has_alpn = true;
}

void read_supported_versions(ByteReader ext, bool client, TlsHello& out) noexcept {
  if (!client) {  // ServerHello: the selected version
    if (ext.fits(2)) out.supported_version = ext.be16(0);
    return;
  }
  if (!ext.fits(1)) return;
  const std::size_t list_len = ext.u8(0);
  if (list_len > ext.size() - 1) {
    out.malformed = true;
    return;
  }
  std::uint16_t best = 0;
  for (std::size_t i = 1; i + 2 <= 1 + list_len; i += 2) {
    const std::uint16_t v = ext.be16(i);
    if (!is_tls_grease(v)) best = std::max(best, v);
  }
  out.supported_version = best;
}

// Walks the extensions block (starting at its 2-byte length) as far as it is captured.
void read_extensions(ByteReader r, bool client, TlsHello& out) noexcept {
  if (!r.fits(2)) return;  // extensions are optional (and may be cut off)
  const std::size_t declared = r.be16(0);
  ByteReader exts = r.skip(2);
  if (declared > exts.size()) {
    out.truncated = true;
  } else {
    exts = exts.first(declared);
  }
  for (std::size_t i = 0; exts.fits(i, 4);) {
    const std::uint16_t type = exts.be16(i);
    const std::size_t len = exts.be16(i + 2);
    if (!exts.fits(i + 4, len)) {
      out.truncated = true;  // the extension is cut: skip it and stop
      return;
    }
    const ByteReader ext(exts.at(i + 4), len);
    switch (type) {
      case kExtServerName:
        if (client) read_server_name(ext, out);
        break;
      case kExtAlpn:
        read_alpn(ext, out);
        break;
      case kExtSupportedVersions:
        read_supported_versions(ext, client, out);
        break;
      default:
        break;
    }
    i += 4 + len;
  }
}

}  // namespace

bool looks_like_tls_hello(std::span<const std::uint8_t> payload) noexcept {
  return payload.size() >= kRecordHeader + 1 && payload[0] == kContentHandshake && payload[1] == 3 &&
         payload[2] <= 4 && (payload[5] == kClientHello || payload[5] == kServerHello);
}

TlsHello parse_tls_hello(std::span<const std::uint8_t> payload) noexcept {
  TlsHello out;
  if (!looks_like_tls_hello(payload)) return out;
  const ByteReader seg(payload.data(), payload.size());
  const std::size_t record_len = seg.be16(3);
  ByteReader record = seg.skip(kRecordHeader);
  if (record_len > record.size()) {
    out.truncated = true;
  } else {
    record = record.first(record_len);
  }
  if (!record.fits(kHandshakeHeader)) {
    out.truncated = true;
    return out;
  }
  const bool client = record.u8(0) == kClientHello;
  const std::size_t msg_len = (static_cast<std::size_t>(record.u8(1)) << 16) | record.be16(2);
  ByteReader msg = record.skip(kHandshakeHeader);
  if (msg_len > msg.size()) {
    out.truncated = true;
  } else {
    msg = msg.first(msg_len);
  }
  if (!msg.fits(2 + kRandom + 1)) {
    out.truncated = true;
    return out;
  }
  out.kind = client ? TlsHelloKind::kClientHello : TlsHelloKind::kServerHello;
  out.legacy_version = msg.be16(0);
  std::size_t at = 2 + kRandom;
  const std::size_t sid_len = msg.u8(at);
  if (sid_len > 32) {
    out.malformed = true;
    return out;
  }
  at += 1 + sid_len;
  if (client) {
    if (!msg.fits(at, 2)) {
      out.truncated = true;
      return out;
    }
    at += 2u + msg.be16(at);  // cipher_suites
    if (!msg.fits(at, 1)) {
      out.truncated = true;
      return out;
    }
    at += 1u + msg.u8(at);  // compression_methods
  } else {
    at += 3;  // cipher_suite, compression_method
  }
  if (at > msg.size()) {
    out.truncated = true;
    return out;
  }
  read_extensions(msg.skip(at), client, out);
  return out;
}

std::string_view tls_version_name(std::uint16_t version) noexcept {
  switch (version) {
    case tlsversion::kSsl3:
      return "SSLv3";
    case tlsversion::kTls10:
      return "TLSv10";
    case tlsversion::kTls11:
      return "TLSv11";
    case tlsversion::kTls12:
      return "TLSv12";
    case tlsversion::kTls13:
      return "TLSv13";
    default:
      return "";
  }
}

}  // namespace nta
