#include "app/dns_message.h"

#include <gtest/gtest.h>

#include <string>

#include "wire_bytes.h"

namespace nta::test {
namespace {

// A header: id, flags, then the four counts.
WireBytes header(unsigned id, unsigned flags, unsigned qd, unsigned an = 0, unsigned ns = 0,
                 unsigned ar = 0) {
  WireBytes b;
  b.be16(id).be16(flags).be16(qd).be16(an).be16(ns).be16(ar);
  return b;
}

TEST(DnsMessage, ReadsAQuery) {
  WireBytes m = header(0x1234, 0x0100, 1);
  m.dns_name("www.example.com").be16(28).be16(1);
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  EXPECT_EQ(d.id, 0x1234);
  EXPECT_FALSE(d.is_response());
  ASSERT_TRUE(d.has_question);
  EXPECT_EQ(d.qname.view(), "www.example.com");
  EXPECT_EQ(d.qtype, 28);
  EXPECT_EQ(d.qclass, 1);
}

TEST(DnsMessage, ReadsAResponseHeader) {
  WireBytes m = header(7, 0x8183, 1, 0, 1);  // response, RD RA, NXDOMAIN
  m.dns_name("nope.lan").be16(1).be16(1);
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  EXPECT_TRUE(d.is_response());
  EXPECT_EQ(d.rcode(), 3);
  EXPECT_EQ(d.opcode(), 0);
  EXPECT_EQ(d.ancount, 0);
  EXPECT_EQ(d.nscount, 1);
  EXPECT_EQ(d.qname.view(), "nope.lan");
}

TEST(DnsMessage, FollowsCompressionPointers) {
  // "example.com" at 12, then "www" + pointer to 12 at 25: an answer-section style name.
  WireBytes m = header(1, 0x8180, 0, 1);
  m.dns_name("example.com");  // 13 bytes: 12..24
  ASSERT_EQ(m.size(), 25u);
  m.u8(3).text("www").raw({0xc0, 12}).be16(1);
  DnsName name;
  std::size_t next = 0;
  EXPECT_EQ(read_dns_name(m.span(), 25, name, next), DnsNameStatus::kOk);
  EXPECT_EQ(name.view(), "www.example.com");
  EXPECT_EQ(next, 25u + 4u + 2u);  // just after the pointer, not after the name it points to
}

TEST(DnsMessage, FollowsAPointerInTheQuestion) {
  // The question's name is "mail" + a pointer to "example.org" stored after the question.
  WireBytes m = header(2, 0x0100, 1);
  m.u8(4).text("mail").raw({0xc0, 0}).be16(15).be16(1);
  const std::size_t target = m.size();
  m.set16(12 + 5, 0xc000 | target);
  m.dns_name("example.org");
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  ASSERT_TRUE(d.has_question);
  EXPECT_EQ(d.qname.view(), "mail.example.org");
  EXPECT_EQ(d.qtype, 15);
}

TEST(DnsMessage, StopsAPointerLoop) {
  WireBytes self = header(3, 0x0100, 1);
  self.raw({0xc0, 12}).be16(1).be16(1);  // a pointer to itself
  DnsName name;
  std::size_t next = 0;
  EXPECT_EQ(read_dns_name(self.span(), 12, name, next), DnsNameStatus::kPointerLoop);

  // Two labels pointing at each other: the loop ends on the pointer limit or the length limit.
  WireBytes pair = header(4, 0x0100, 1);
  pair.u8(1).text("a").raw({0xc0, 16}).u8(1).text("b").raw({0xc0, 12});
  const DnsNameStatus s = read_dns_name(pair.span(), 12, name, next);
  EXPECT_TRUE(s == DnsNameStatus::kPointerLoop || s == DnsNameStatus::kTooLong) << static_cast<int>(s);

  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(self.span(), d));
  EXPECT_FALSE(d.has_question);
  EXPECT_EQ(d.question_status, DnsNameStatus::kPointerLoop);
  EXPECT_EQ(d.qname.size, 0);
}

TEST(DnsMessage, RejectsPointersOutsideTheMessageAndReservedLabelTypes) {
  WireBytes far = header(5, 0x0100, 1);
  far.raw({0xc1, 0x00}).be16(1).be16(1);
  DnsName name;
  std::size_t next = 0;
  EXPECT_EQ(read_dns_name(far.span(), 12, name, next), DnsNameStatus::kBadPointer);
  WireBytes ext = header(6, 0x0100, 1);
  ext.u8(0x41).u8(0).be16(1).be16(1);  // 0x40: the obsolete extended label type
  EXPECT_EQ(read_dns_name(ext.span(), 12, name, next), DnsNameStatus::kBadLabel);
}

TEST(DnsMessage, ReportsATruncatedMessage) {
  WireBytes m = header(8, 0x0100, 1);
  m.dns_name("truncated.example").be16(1).be16(1);
  DnsMessage d;
  // Shorter than the header: not a DNS message at all.
  EXPECT_FALSE(parse_dns_message(m.first(11), d));
  // Cut inside the name.
  ASSERT_TRUE(parse_dns_message(m.first(18), d));
  EXPECT_FALSE(d.has_question);
  EXPECT_EQ(d.question_status, DnsNameStatus::kTruncated);
  EXPECT_EQ(d.qname.view(), "");
  // Cut after the name, inside qtype/qclass.
  ASSERT_TRUE(parse_dns_message(m.first(m.size() - 2), d));
  EXPECT_FALSE(d.has_question);
  EXPECT_EQ(d.question_status, DnsNameStatus::kTruncated);
  // Whole.
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  EXPECT_TRUE(d.has_question);
}

TEST(DnsMessage, RejectsANameOver255Bytes) {
  const std::string l63(63, 'a');
  const std::string l61(61, 'b');
  // 64 + 64 + 64 + 62 + 1 = 255 bytes: the longest legal name.
  WireBytes ok = header(9, 0x0100, 1);
  ok.dns_name(l63 + "." + l63 + "." + l63 + "." + l61).be16(1).be16(1);
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(ok.span(), d));
  ASSERT_TRUE(d.has_question);
  EXPECT_EQ(d.qname.size, 253);
  // One byte more.
  WireBytes over = header(10, 0x0100, 1);
  over.dns_name(l63 + "." + l63 + "." + l63 + "." + l61 + "c").be16(1).be16(1);
  ASSERT_TRUE(parse_dns_message(over.span(), d));
  EXPECT_FALSE(d.has_question);
  EXPECT_EQ(d.question_status, DnsNameStatus::kTooLong);
  // Many labels through pointers would be the same: the limit counts the name, not the bytes read.
}

TEST(DnsMessage, EscapesControlBytesAndDotsInsideLabels) {
  WireBytes m = header(11, 0x0100, 1);
  m.u8(4).raw({'a', 0x01, 'b', '\n'}).u8(3).text("x.y").u8(2).raw({0xc3, 0xa9}).u8(0).be16(1).be16(1);
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  ASSERT_TRUE(d.has_question);
  EXPECT_EQ(d.qname.view(), "a\\x01b\\x0a.x\\x2ey.\\xc3\\xa9");
}

TEST(DnsMessage, NamesTheRoot) {
  WireBytes m = header(12, 0x0100, 1);
  m.u8(0).be16(2).be16(1);  // ". NS"
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  ASSERT_TRUE(d.has_question);
  EXPECT_EQ(d.qname.view(), ".");
}

TEST(DnsMessage, WorstCaseEscapedNameFitsTheBuffer) {
  // 255 wire bytes of labels whose every byte needs escaping: 4 x 250 + 3 dots.
  WireBytes m = header(13, 0x0100, 1);
  for (int i = 0; i < 3; ++i) m.u8(63).fill(63, 0x00);
  m.u8(61).fill(61, 0xff).u8(0).be16(1).be16(1);
  DnsMessage d;
  ASSERT_TRUE(parse_dns_message(m.span(), d));
  ASSERT_TRUE(d.has_question);
  EXPECT_EQ(d.qname.size, 250u * 4u + 3u);
}

}  // namespace
}  // namespace nta::test
