#include "output/packet_printer.h"

#include <cstring>

#include "core/timestamp.h"
#include "decode/decoder.h"
#include "output/text_format.h"

namespace nta {
namespace {

char* put(char* p, std::string_view s) noexcept {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

char* format_endpoint(const PacketView& v, bool source, char* out) noexcept {
  const IpAddress& ip = source ? v.src_ip : v.dst_ip;
  if (ip.empty()) {
    if (v.has_mac) return format_mac(source ? v.src_mac : v.dst_mac, out);
    return put(out, "-");
  }
  const bool bracket = v.has_ports && ip.family == IpFamily::kV6;
  if (bracket) *out++ = '[';
  out = format_ip(ip, out);
  if (bracket) *out++ = ']';
  if (v.has_ports) {
    *out++ = ':';
    out = format_uint(source ? v.src_port : v.dst_port, out);
  }
  return out;
}

void PacketPrinter::print(std::uint64_t number, const PacketView& v) {
  char* p = out_.reserve(512);
  p = put(p, "[Packet #");
  p = format_uint(number, p);
  p = put(p, "]\nTime: ");
  p = format_console_time(v.ts, p);
  p = put(p, "\nSource: ");
  p = format_endpoint(v, true, p);
  p = put(p, "\nDestination: ");
  p = format_endpoint(v, false, p);
  p = put(p, "\nProtocol: ");
  const std::string_view name = protocol_name(v);
  p = put(p, name.substr(0, 64));
  p = put(p, "\nLength: ");
  p = format_uint(v.wire_len, p);
  p = put(p, " bytes\n\n");
  out_.commit(p);
}

}  // namespace nta
