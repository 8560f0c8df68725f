#include "synth/pcap_writer.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace nta {
namespace {

struct Record {
  Timestamp ts;
  std::vector<std::uint8_t> bytes;
  std::uint32_t wire_len;
};

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("nta_synth_" + name + "_" + std::to_string(::getpid()) + ".pcap"))
      .string();
}

std::vector<Record> sample_records() {
  std::vector<Record> records;
  for (int i = 0; i < 50; ++i) {
    Record r;
    r.ts = Timestamp{1'708'353'000'000'000'000LL + i * 1'234'567'891LL + 999};
    r.bytes.resize(60 + static_cast<std::size_t>(i) * 29);
    for (std::size_t k = 0; k < r.bytes.size(); ++k)
      r.bytes[k] = static_cast<std::uint8_t>(k * 31 + static_cast<std::size_t>(i));
    r.wire_len = static_cast<std::uint32_t>(r.bytes.size()) + (i == 7 ? 100u : 0u);  // one cut by a snaplen
    records.push_back(std::move(r));
  }
  return records;
}

void check_read_back(const std::string& path, const std::vector<Record>& records, bool nano) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(
      path.c_str(), nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  ASSERT_NE(p, nullptr) << errbuf;
  EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
  EXPECT_EQ(pcap_get_tstamp_precision(p), nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  std::size_t i = 0;
  while (pcap_next_ex(p, &header, &data) == 1) {
    ASSERT_LT(i, records.size());
    const Record& r = records[i];
    EXPECT_EQ(header->caplen, r.bytes.size());
    EXPECT_EQ(header->len, r.wire_len);
    EXPECT_TRUE(std::equal(r.bytes.begin(), r.bytes.end(), data)) << "record " << i;
    EXPECT_EQ(header->ts.tv_sec, r.ts.seconds());
    const std::int64_t frac = nano ? r.ts.subsec_ns() : r.ts.subsec_ns() / 1000;
    EXPECT_EQ(header->ts.tv_usec, frac) << "record " << i;
    ++i;
  }
  EXPECT_EQ(i, records.size());
  pcap_close(p);
}

TEST(PcapWriter, LibpcapReadsBackMicrosecondFiles) {
  const std::string path = temp_path("micro");
  const auto records = sample_records();
  {
    PcapWriter writer(path);
    for (const Record& r : records) writer.write(r.ts, r.bytes, r.wire_len);
    writer.close();
    EXPECT_EQ(writer.packets(), records.size());
    EXPECT_EQ(writer.file_bytes(), std::filesystem::file_size(path));
  }
  check_read_back(path, records, false);
  std::filesystem::remove(path);
}

TEST(PcapWriter, LibpcapReadsBackNanosecondFiles) {
  const std::string path = temp_path("nano");
  const auto records = sample_records();
  {
    PcapWriter writer(path, PcapWriterOptions{.precision = PcapPrecision::kNano});
    for (const Record& r : records) writer.write(r.ts, r.bytes, r.wire_len);
  }  // the destructor flushes too
  check_read_back(path, records, true);
  std::filesystem::remove(path);
}

TEST(PcapWriter, WritesMoreThanItsBuffer) {
  const std::string path = temp_path("large");
  std::vector<Record> records;
  for (int i = 0; i < 3000; ++i) {
    records.push_back(
        Record{Timestamp{i * 1000LL}, std::vector<std::uint8_t>(1514, static_cast<std::uint8_t>(i)), 1514});
  }
  PcapWriter writer(path);
  for (const Record& r : records) writer.write(r.ts, r.bytes, r.wire_len);
  writer.close();
  EXPECT_EQ(std::filesystem::file_size(path), 24u + 3000u * (16u + 1514u));
  check_read_back(path, records, false);
  std::filesystem::remove(path);
}

TEST(PcapWriter, ThrowsIoErrorWhenTheFileCannotBeCreated) {
  try {
    PcapWriter writer("/nonexistent-dir/x.pcap");
    FAIL() << "expected nta::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_STREQ(e.what(), "cannot write '/nonexistent-dir/x.pcap': No such file or directory");
  }
}

TEST(PcapWriter, ThrowsIoErrorWhenTheDiskIsFull) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  PcapWriter writer("/dev/full");
  const std::vector<std::uint8_t> frame(1500, 0);
  EXPECT_THROW(
      {
        for (int i = 0; i < 2000; ++i) writer.write(Timestamp{i}, frame, 1500);
        writer.close();
      },
      Error);
}

}  // namespace
}  // namespace nta
