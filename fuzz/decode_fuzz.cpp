// libFuzzer target for the packet decoder. Input layout:
//   bytes 0-1  big-endian selector: bits 0-11 the link type (a supported LINKTYPE_ value as is, any
//              other value picks one of them by index), bits 12-15 the bytes the "snapshot length"
//              cut, in units of 64 (wire_len = captured length + 64 * n)
//   bytes 2-   the captured frame
// fuzz/make_seeds.py writes seeds in this layout from capture files.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "decode/decoder.h"

namespace {

constexpr nta::LinkType kLinks[] = {
    nta::LinkType::kNull,   nta::LinkType::kEthernet, nta::LinkType::kRaw,
    nta::LinkType::kRawAlt, nta::LinkType::kLoop,     nta::LinkType::kLinuxSll,
    nta::LinkType::kIpv4,   nta::LinkType::kIpv6,     nta::LinkType::kLinuxSll2,
};
constexpr std::size_t kLinkCount = sizeof(kLinks) / sizeof(kLinks[0]);

nta::LinkType pick_link(unsigned value) {
  for (nta::LinkType l : kLinks) {
    if (static_cast<unsigned>(l) == value) return l;
  }
  return kLinks[value % kLinkCount];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned selector = (unsigned{data[0]} << 8) | data[1];
  const std::span<const std::uint8_t> frame(data + 2, size - 2);

  nta::RawPacket pkt;
  pkt.link = pick_link(selector & 0x0fffu);
  pkt.data = frame;
  pkt.wire_len = static_cast<std::uint32_t>(frame.size() + 64u * (selector >> 12));

  nta::PacketView v;
  nta::decode(pkt, v);

  // Invariants of the view: a violation is a bug even if nothing was read out of bounds.
  const auto* begin = frame.data();
  const auto* end = frame.data() + frame.size();
  if (!v.l4_payload.empty()) {
    if (v.l4_payload.data() < begin || v.l4_payload.data() + v.l4_payload.size() > end) __builtin_trap();
    unsigned sum = 0;  // touch every byte of the span, so ASan checks it
    for (std::uint8_t b : v.l4_payload) sum += b;
    volatile unsigned sink = sum;
    (void)sink;
  }
  if (v.l4_payload.size() > v.l4_payload_len) __builtin_trap();
  if (v.vlan_count > v.vlan_ids.size() || v.tunnel_depth > 4) __builtin_trap();
  if (v.cap_len != frame.size() || v.wire_len != pkt.wire_len) __builtin_trap();
  if (v.has_ports && v.net != nta::NetLayer::kIpv4 && v.net != nta::NetLayer::kIpv6) __builtin_trap();

  const std::string_view name = nta::protocol_name(v);
  if (name.empty()) __builtin_trap();
  unsigned chars = 0;
  for (char c : name) chars += static_cast<unsigned char>(c);
  volatile unsigned sink = chars;
  (void)sink;
  return 0;
}
