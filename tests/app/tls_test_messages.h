#pragma once
// TLS hellos built byte by byte for the tests.
#include <cstdint>
#include <string>
#include <vector>

#include "wire_bytes.h"

namespace nta::test {

struct ClientHelloSpec {
  std::string sni = {};                      // empty: no server_name extension
  std::vector<std::string> alpn = {};        // empty: no ALPN extension
  std::vector<std::uint16_t> versions = {};  // empty: no supported_versions extension
  std::uint16_t legacy_version = 0x0303;
  bool no_extensions = false;  // omit the extensions block entirely
};

// A handshake record with one ClientHello; extensions in the order server_name,
// supported_versions, ALPN (so a cut near the end loses ALPN first).
inline WireBytes client_hello(const ClientHelloSpec& spec) {
  WireBytes b;
  b.raw({22, 3, 1}).be16(0);                   // record header; length patched
  b.u8(1).be24(0);                             // handshake header; length patched
  b.be16(spec.legacy_version).fill(32, 0x11);  // version, random
  b.u8(32).fill(32, 0x22);                     // session id
  b.be16(6).be16(0x1301).be16(0x1302).be16(0xc02f);
  b.u8(1).u8(0);  // compression: null
  if (!spec.no_extensions) {
    const std::size_t ext_len_at = b.size();
    b.be16(0);
    if (!spec.sni.empty()) {
      b.be16(0).be16(static_cast<unsigned>(spec.sni.size() + 5));
      b.be16(static_cast<unsigned>(spec.sni.size() + 3)).u8(0).be16(static_cast<unsigned>(spec.sni.size()));
      b.text(spec.sni);
    }
    b.be16(23).be16(0);  // extended_master_secret, empty
    if (!spec.versions.empty()) {
      b.be16(43)
          .be16(static_cast<unsigned>(1 + 2 * spec.versions.size()))
          .u8(static_cast<unsigned>(2 * spec.versions.size()));
      for (const std::uint16_t v : spec.versions) b.be16(v);
    }
    if (!spec.alpn.empty()) {
      std::size_t list = 0;
      for (const auto& p : spec.alpn) list += 1 + p.size();
      b.be16(16).be16(static_cast<unsigned>(list + 2)).be16(static_cast<unsigned>(list));
      for (const auto& p : spec.alpn) b.u8(static_cast<unsigned>(p.size())).text(p);
    }
    b.set16(ext_len_at, b.size() - ext_len_at - 2);
  }
  b.set16(3, b.size() - 5);
  b.set24(6, b.size() - 9);
  return b;
}

// Where the first extension's server_name list length sits (the hello must have an SNI).
inline std::size_t server_name_list_offset(const WireBytes&) {
  return 5 + 4 + 2 + 32 + 1 + 32 + 2 + 6 + 2 + 2 + 4;
}

// A ServerHello record; `selected` > 0 adds supported_versions with that version.
inline WireBytes server_hello(std::uint16_t selected) {
  WireBytes b;
  b.raw({22, 3, 3}).be16(0);
  b.u8(2).be24(0);
  b.be16(0x0303).fill(32, 0x33).u8(32).fill(32, 0x22).be16(0x1301).u8(0);
  const std::size_t ext_len_at = b.size();
  b.be16(0);
  if (selected != 0) b.be16(43).be16(2).be16(selected);
  b.be16(51).be16(4).be16(29).be16(0);  // a stand-in key_share header
  b.set16(ext_len_at, b.size() - ext_len_at - 2);
  b.set16(3, b.size() - 5);
  b.set24(6, b.size() - 9);
  return b;
}

}  // namespace nta::test
