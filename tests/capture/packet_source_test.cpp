#include "capture/packet_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "capture/merged_source.h"
#include "core/error.h"

namespace nta {
namespace {

// A classic pcap file written byte by byte, so the reader is checked against the format itself.
class PcapBytes {
 public:
  PcapBytes(std::uint32_t magic, std::uint32_t linktype, std::uint32_t snaplen = 65535) {
    put32(magic);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(snaplen);
    put32(linktype);
  }
  void record(std::uint32_t sec, std::uint32_t frac, const std::vector<std::uint8_t>& data,
              std::uint32_t orig_len = 0) {
    put32(sec);
    put32(frac);
    put32(static_cast<std::uint32_t>(data.size()));
    put32(orig_len != 0 ? orig_len : static_cast<std::uint32_t>(data.size()));
    for (std::uint8_t b : data) bytes_.push_back(b);
  }
  std::string write(const std::string& name) const {
    const auto path = std::filesystem::temp_directory_path() / (name + std::to_string(getpid()));
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes_.data()),
                                                static_cast<std::streamsize>(bytes_.size()));
    return path.string();
  }
  std::vector<std::uint8_t> bytes_;

 private:
  void put32(std::uint32_t v) {
    // Host (little-endian) order, as the magic announces.
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void put16(std::uint16_t v) {
    bytes_.push_back(static_cast<std::uint8_t>(v));
    bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
  }
};

std::vector<std::uint8_t> frame(std::size_t n, std::uint8_t fill) { return std::vector<std::uint8_t>(n, fill); }

TEST(PacketSource, ReadsMicrosecondPcapWithLengthsAndTimes) {
  PcapBytes f(0xa1b2c3d4, 1);
  f.record(1708353045, 123456, frame(60, 0xAA));
  f.record(1708353046, 7, frame(54, 0xBB), 1514);
  const std::string path = f.write("nta_src_us_");
  auto src = PacketSource::open_file(path);
  EXPECT_EQ(src->link_type(), LinkType::kEthernet);
  EXPECT_FALSE(src->is_live());
  RawPacket p;
  ASSERT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(p.ts.ns, 1708353045'123456000LL);
  EXPECT_EQ(p.wire_len, 60u);
  ASSERT_EQ(p.data.size(), 60u);
  EXPECT_EQ(p.data[0], 0xAA);
  ASSERT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(p.ts.ns, 1708353046'000007000LL);
  EXPECT_EQ(p.wire_len, 1514u);
  EXPECT_EQ(p.data.size(), 54u);
  EXPECT_EQ(src->next(p), NextResult::kEnd);
  std::filesystem::remove(path);
}

TEST(PacketSource, ReadsNanosecondPcapExactly) {
  PcapBytes f(0xa1b23c4d, 1);
  f.record(1708353045, 123456789, frame(60, 1));
  const std::string path = f.write("nta_src_ns_");
  auto src = PacketSource::open_file(path);
  RawPacket p;
  ASSERT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(p.ts.ns, 1708353045'123456789LL);
  std::filesystem::remove(path);
}

TEST(PacketSource, ReportsLinkTypes) {
  for (auto [dlt, expected] : {std::pair{113u, LinkType::kLinuxSll}, std::pair{276u, LinkType::kLinuxSll2},
                               std::pair{0u, LinkType::kNull}, std::pair{101u, LinkType::kRaw}}) {
    PcapBytes f(0xa1b2c3d4, dlt);
    f.record(1, 0, frame(40, 0x45));
    const std::string path = f.write("nta_src_link_");
    auto src = PacketSource::open_file(path);
    EXPECT_EQ(src->link_type(), expected) << "DLT " << dlt;
    std::filesystem::remove(path);
  }
}

TEST(PacketSource, TruncatedRecordIsAnErrorAfterTheGoodPackets) {
  PcapBytes f(0xa1b2c3d4, 1);
  f.record(1, 0, frame(60, 1));
  f.record(2, 0, frame(60, 2));
  f.bytes_.resize(f.bytes_.size() - 10);  // cut the second record's data
  const std::string path = f.write("nta_src_trunc_");
  auto src = PacketSource::open_file(path);
  RawPacket p;
  EXPECT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(src->next(p), NextResult::kError);
  EXPECT_NE(src->error().find("truncated"), std::string::npos) << src->error();
  std::filesystem::remove(path);
}

TEST(PacketSource, MissingFileIsNotFound) {
  try {
    PacketSource::open_file("/nonexistent/nta.pcap");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/nta.pcap"), std::string::npos);
  }
}

TEST(PacketSource, DirectoryAndEmptyFileAreRefusedClearly) {
  try {
    PacketSource::open_file(std::filesystem::temp_directory_path().string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos);
  }
  const auto empty = std::filesystem::temp_directory_path() / ("nta_empty_" + std::to_string(getpid()));
  std::ofstream(empty).close();
  try {
    PacketSource::open_file(empty.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("empty file"), std::string::npos);
  }
  std::filesystem::remove(empty);
}

TEST(PacketSource, BadMagicIsRefused) {
  PcapBytes f(0xdeadbeef, 1);
  const std::string path = f.write("nta_src_magic_");
  EXPECT_THROW(PacketSource::open_file(path), Error);
  std::filesystem::remove(path);
}

TEST(PacketSource, FilterSelectsPacketsAndBadFilterIsAUsageError) {
  // Two raw-IP frames: an IPv4 UDP datagram and an IPv4 TCP segment (20-byte headers).
  std::vector<std::uint8_t> udp = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                                   0x04, 0xd2, 0x00, 0x35, 0, 8, 0, 0};
  std::vector<std::uint8_t> tcp = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                                   0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
                                   0, 0, 0, 0};
  PcapBytes f(0xa1b2c3d4, 101);
  f.record(1, 0, udp);
  f.record(2, 0, tcp);
  const std::string path = f.write("nta_src_filter_");
  auto src = PacketSource::open_file(path);
  src->set_filter("tcp port 80");
  RawPacket p;
  ASSERT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(p.ts.ns, 2'000'000'000);
  EXPECT_EQ(src->next(p), NextResult::kEnd);

  auto again = PacketSource::open_file(path);
  try {
    again->set_filter("tcp port");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("tcp port"), std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST(PacketSource, UnknownInterfaceNamesTheRealOnes) {
  LiveOptions o;
  o.interface = "nta-no-such-if0";
  try {
    PacketSource::open_live(o);
    FAIL();
  } catch (const Error& e) {
    // Without permission libpcap may report that first; both are clear failures.
    if (e.kind() == ErrorKind::kPermission) GTEST_SKIP() << "no capture permission: " << e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound) << e.what();
    EXPECT_NE(std::string(e.what()).find("lo"), std::string::npos) << e.what();
  }
}

TEST(MergedSource, InterleavesFilesByTimestampAndTiesGoToTheFirstFile) {
  PcapBytes a(0xa1b2c3d4, 1);
  a.record(1, 0, frame(60, 0xA1));
  a.record(3, 0, frame(60, 0xA3));
  a.record(5, 0, frame(60, 0xA5));
  PcapBytes b(0xa1b2c3d4, 1);
  b.record(2, 0, frame(60, 0xB2));
  b.record(3, 0, frame(60, 0xB3));
  b.record(9, 0, frame(60, 0xB9));
  const std::string pa = a.write("nta_merge_a_");
  const std::string pb = b.write("nta_merge_b_");
  auto src = open_merged({pa, pb});
  std::vector<int> seen;
  RawPacket p;
  while (src->next(p) == NextResult::kPacket) seen.push_back(p.data[0]);
  EXPECT_EQ(seen, (std::vector<int>{0xA1, 0xB2, 0xA3, 0xB3, 0xA5, 0xB9}));
  std::filesystem::remove(pa);
  std::filesystem::remove(pb);
}

TEST(MergedSource, AMissingFileFailsBeforeAnyPacket) {
  PcapBytes a(0xa1b2c3d4, 1);
  a.record(1, 0, frame(60, 1));
  const std::string pa = a.write("nta_merge_ok_");
  EXPECT_THROW(open_merged({pa, "/nonexistent/nta.pcap"}), Error);
  std::filesystem::remove(pa);
}

TEST(MergedSource, ADamagedFileReportsItsName) {
  PcapBytes a(0xa1b2c3d4, 1);
  a.record(1, 0, frame(60, 1));
  PcapBytes b(0xa1b2c3d4, 1);
  b.record(2, 0, frame(60, 2));
  b.record(3, 0, frame(60, 3));
  b.bytes_.resize(b.bytes_.size() - 5);
  const std::string pa = a.write("nta_mergeda_");
  const std::string pb = b.write("nta_mergedb_");
  auto src = open_merged({pa, pb});
  RawPacket p;
  EXPECT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(src->next(p), NextResult::kPacket);
  EXPECT_EQ(src->next(p), NextResult::kError);
  EXPECT_NE(src->error().find(pb), std::string::npos) << src->error();
  std::filesystem::remove(pa);
  std::filesystem::remove(pb);
}

TEST(Interfaces, ListsLoopback) {
  const auto all = list_interfaces();
  bool found = false;
  for (const InterfaceInfo& i : all) found = found || (i.loopback && i.name == "lo");
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace nta
