#pragma once
// A minimal reader for classic pcap and pcapng files, for decoder tests on real captures (the
// project's capture module is not a dependency of the decoder). Reads the whole file; stops quietly
// at the first malformed record.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/raw_packet.h"

namespace nta::test {

struct CapturedFrame {
  LinkType link;
  std::uint32_t wire_len;
  std::vector<std::uint8_t> data;
};

inline std::vector<CapturedFrame> read_capture_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<CapturedFrame> frames;
  if (f.size() < 24) return frames;
  bool swap = false;
  auto u32 = [&](std::size_t off) {
    std::uint32_t v;
    std::memcpy(&v, f.data() + off, 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  auto u16 = [&](std::size_t off) {
    std::uint16_t v;
    std::memcpy(&v, f.data() + off, 2);
    return swap ? __builtin_bswap16(v) : v;
  };
  const std::uint32_t magic = u32(0);
  if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
    swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
    const auto link = static_cast<LinkType>(u32(20) & 0x0fffffff);
    for (std::size_t off = 24; off + 16 <= f.size();) {
      const std::uint32_t incl = u32(off + 8);
      const std::uint32_t orig = u32(off + 12);
      if (incl > f.size() - off - 16) break;
      frames.push_back({link, orig,
                        std::vector<std::uint8_t>(f.begin() + static_cast<std::ptrdiff_t>(off + 16),
                                                  f.begin() + static_cast<std::ptrdiff_t>(off + 16 + incl))});
      off += 16 + incl;
    }
    return frames;
  }
  if (magic != 0x0a0d0d0a) return frames;
  // pcapng: section header, interface descriptions (link types), enhanced/simple packet blocks.
  std::vector<LinkType> interfaces;
  for (std::size_t off = 0; off + 12 <= f.size();) {
    std::uint32_t type = u32(off);
    if (type == 0x0a0d0d0a) {  // the byte-order magic decides how to read the rest of the section
      std::uint32_t bom;
      std::memcpy(&bom, f.data() + off + 8, 4);
      swap = bom == 0x4d3c2b1a;
      interfaces.clear();
    }
    const std::uint32_t len = u32(off + 4);
    if (len < 12 || len > f.size() - off) break;
    if (type == 1 && len >= 20) {
      interfaces.push_back(static_cast<LinkType>(u16(off + 8)));
    } else if (type == 6 && len >= 32) {
      const std::uint32_t iface = u32(off + 8);
      const std::uint32_t incl = u32(off + 20);
      const std::uint32_t orig = u32(off + 24);
      if (iface < interfaces.size() && incl <= len - 32) {
        frames.push_back(
            {interfaces[iface], orig,
             std::vector<std::uint8_t>(f.begin() + static_cast<std::ptrdiff_t>(off + 28),
                                       f.begin() + static_cast<std::ptrdiff_t>(off + 28 + incl))});
      }
    }
    off += len;
  }
  return frames;
}

}  // namespace nta::test
