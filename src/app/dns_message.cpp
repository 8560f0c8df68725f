#include "app/dns_message.h"

#include "decode/byte_reader.h"

namespace nta {

DnsNameStatus read_dns_name(std::span<const std::uint8_t> msg, std::size_t offset, DnsName& name,
                            std::size_t& next) noexcept {
  name.size = 0;
  const std::span<char> buf(name.text);
  std::size_t pos = offset;
  std::size_t wire = 0;  // length octets and label bytes so far
  int jumps = 0;
  bool have_next = false;
  for (;;) {
    if (pos >= msg.size()) return DnsNameStatus::kTruncated;
    const std::uint8_t len = msg[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size()) return DnsNameStatus::kTruncated;
      if (!have_next) {
        next = pos + 2;
        have_next = true;
      }
      if (++jumps > kMaxDnsPointers) return DnsNameStatus::kPointerLoop;
      const std::size_t target = (static_cast<std::size_t>(len & 0x3f) << 8) | msg[pos + 1];
      if (target >= msg.size()) return DnsNameStatus::kBadPointer;
      pos = target;
      continue;
    }
    if ((len & 0xc0) != 0) return DnsNameStatus::kBadLabel;
    if (len == 0) {
      if (!have_next) next = pos + 1;
      if (name.size == 0) {
        name.text[0] = '.';
        name.size = 1;
      }
      return DnsNameStatus::kOk;
    }
    wire += 1u + len;
    if (wire + 1 > kMaxDnsNameWire) return DnsNameStatus::kTooLong;  // +1: the root's length octet
    if (len > msg.size() - pos - 1) return DnsNameStatus::kTruncated;
    std::size_t at = name.size;
    if (at != 0) buf[at++] = '.';
    bool cut = false;
    at += escape_into(buf.subspan(at), msg.subspan(pos + 1, len), cut, ".");
    if (cut) return DnsNameStatus::kTooLong;  // cannot happen within 255 wire bytes; kept as a guard
    name.size = static_cast<std::uint16_t>(at);
    pos += 1u + len;
  }
}

bool parse_dns_message(std::span<const std::uint8_t> msg, DnsMessage& out) noexcept {
  const ByteReader r(msg.data(), msg.size());
  if (!r.fits(kDnsHeaderLen)) return false;
  out.id = r.be16(0);
  out.flags = r.be16(2);
  out.qdcount = r.be16(4);
  out.ancount = r.be16(6);
  out.nscount = r.be16(8);
  out.arcount = r.be16(10);
  out.has_question = false;
  out.question_status = DnsNameStatus::kOk;
  out.qtype = 0;
  out.qclass = 0;
  out.qname.size = 0;
  if (out.qdcount == 0) return true;
  std::size_t next = 0;
  out.question_status = read_dns_name(msg, kDnsHeaderLen, out.qname, next);
  if (out.question_status != DnsNameStatus::kOk) {
    out.qname.size = 0;
    return true;
  }
  if (!r.fits(next, 4)) {
    out.question_status = DnsNameStatus::kTruncated;
    out.qname.size = 0;
    return true;
  }
  out.qtype = r.be16(next);
  out.qclass = r.be16(next + 2);
  out.has_question = true;
  return true;
}

}  // namespace nta
