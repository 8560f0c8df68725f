#include "ml/model_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "ml_test_data.h"

namespace nta {
namespace {

namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nta_model_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    data_ = test::gaussian_blob(600, 3, 5);
    model_.forest =
        IsolationForest::fit(data_.view(), ForestParams{.trees = 30, .sample_size = 64, .seed = 9});
    model_.feature_names = {"duration", "bytes", "packets"};
    model_.feature_stats = compute_feature_stats(data_.view());
    model_.training_rows = data_.rows;
    model_.schema_id = "test-schema/1";
    model_.description = "unit test data";
    path_ = (dir_ / "m.nta").string();
    save_model(path_, model_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string bytes() const {
    std::string b;
    std::FILE* f = std::fopen(path_.c_str(), "rb");
    if (f == nullptr) return b;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) b.append(chunk, n);
    std::fclose(f);
    return b;
  }
  void write(const std::string& b) const {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
  }
  // The message of the error load_model throws (and checks it is an input error).
  std::string refusal() const {
    try {
      (void)load_model(path_);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos);
      return what;
    }
    ADD_FAILURE() << "the damaged model was accepted";
    return {};
  }

  fs::path dir_;
  Matrix data_;
  ModelFile model_;
  std::string path_;
};

TEST_F(ModelFileTest, RoundTripGivesIdenticalScores) {
  const ModelFile back = load_model(path_);
  EXPECT_EQ(back.feature_names, model_.feature_names);
  EXPECT_EQ(back.schema_id, "test-schema/1");
  EXPECT_EQ(back.description, "unit test data");
  EXPECT_EQ(back.training_rows, 600U);
  ASSERT_EQ(back.feature_stats.size(), 3U);
  EXPECT_EQ(back.feature_stats[1].mean, model_.feature_stats[1].mean);
  EXPECT_EQ(back.feature_stats[2].stddev, model_.feature_stats[2].stddev);
  EXPECT_EQ(back.forest.params().trees, 30U);
  EXPECT_EQ(back.forest.params().sample_size, 64U);
  EXPECT_EQ(back.forest.params().seed, 9U);
  std::vector<double> a(data_.rows);
  std::vector<double> b(data_.rows);
  model_.forest.score(data_.view(), a);
  back.forest.score(data_.view(), b);
  EXPECT_EQ(a, b);
  // Saving what was loaded gives the same bytes.
  const std::string first = bytes();
  save_model(path_, back);
  EXPECT_EQ(bytes(), first);
}

TEST_F(ModelFileTest, StatisticsAreThoseOfTheColumns) {
  Matrix m;
  m.rows = 4;
  m.cols = 1;
  m.values = {1, 2, 3, 6};
  const std::vector<FeatureStats> s = compute_feature_stats(m.view());
  EXPECT_EQ(s[0].min, 1);
  EXPECT_EQ(s[0].max, 6);
  EXPECT_EQ(s[0].mean, 3);
  EXPECT_DOUBLE_EQ(s[0].stddev, std::sqrt(14.0 / 4.0));
}

TEST_F(ModelFileTest, RefusesAFileThatIsNotAModel) {
  write("hello, world\n");
  EXPECT_NE(refusal().find("not an nta model file"), std::string::npos);
  write("");
  EXPECT_NE(refusal().find("not an nta model file"), std::string::npos);
}

TEST_F(ModelFileTest, RefusesWrongMagic) {
  std::string b = bytes();
  b[0] = 'X';
  write(b);
  EXPECT_NE(refusal().find("not an nta model file"), std::string::npos);
}

TEST_F(ModelFileTest, RefusesAnotherVersion) {
  std::string b = bytes();
  b[8] = 2;  // version, little-endian u32 after the magic
  write(b);
  EXPECT_NE(refusal().find("format version 2"), std::string::npos);
}

TEST_F(ModelFileTest, RefusesTruncation) {
  const std::string b = bytes();
  for (std::size_t len : {std::size_t{8}, std::size_t{12}, std::size_t{23}, std::size_t{24}, std::size_t{100},
                          b.size() / 2, b.size() - 9, b.size() - 1}) {
    write(b.substr(0, len));
    const std::string why = refusal();
    EXPECT_NE(why.find("truncated"), std::string::npos) << len << ": " << why;
  }
  write(b + "x");
  EXPECT_NE(refusal().find("unexpected bytes"), std::string::npos);
}

TEST_F(ModelFileTest, RefusesAnyFlippedByte) {
  const std::string b = bytes();
  // Every byte after the version (header, payload, checksum): the checksum or the length catches it.
  for (std::size_t i = 12; i < b.size(); i += 1 + i / 64) {
    std::string d = b;
    d[i] = static_cast<char>(d[i] ^ 0x10);
    write(d);
    const std::string why = refusal();
    EXPECT_TRUE(why.find("checksum") != std::string::npos || why.find("truncated") != std::string::npos ||
                why.find("unexpected bytes") != std::string::npos)
        << i << ": " << why;
  }
}

// A crafted file with a valid checksum but a node pointing out of its tree must still be refused.
TEST_F(ModelFileTest, RefusesInconsistentNodesEvenWithAValidChecksum) {
  const auto fnv = [](std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (const char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001B3ULL;
    }
    return h;
  };
  const auto reseal = [&](std::string d) {
    const std::uint64_t h = fnv(std::string_view(d).substr(8, d.size() - 16));
    for (int k = 0; k < 8; ++k)
      d[d.size() - 8 + static_cast<std::size_t>(k)] = static_cast<char>((h >> (8 * k)) & 0xFF);
    return d;
  };
  const std::string b = bytes();
  // The nodes are the last 20 * n bytes before the checksum; node 0 is the first tree's root.
  const std::size_t n = model_.forest.nodes().size();
  const std::size_t first_node = b.size() - 8 - 20 * n;
  struct Case {
    std::size_t offset;  // within node 0
    std::uint32_t value;
    const char* expect;
  };
  for (const Case& c :
       {Case{8, 3, "leaf that does not point to itself"}, Case{8, 99, "splits on feature"},
        Case{12, 0, "outside its tree"}, Case{12, 0xFFFFFFF0U, "outside its tree"}, Case{16, 5, "rows"}}) {
    std::string d = b;
    for (int k = 0; k < 4; ++k)
      d[first_node + c.offset + static_cast<std::size_t>(k)] = static_cast<char>((c.value >> (8 * k)) & 0xFF);
    write(reseal(d));
    const std::string why = refusal();
    EXPECT_NE(why.find("inconsistent"), std::string::npos) << why;
    EXPECT_NE(why.find(c.expect), std::string::npos) << why;
  }
  // The first tree's root value: NaN threshold.
  std::string d = b;
  for (int k = 0; k < 8; ++k) d[first_node + static_cast<std::size_t>(k)] = k == 7 ? '\x7F' : '\xFF';
  write(reseal(d));
  EXPECT_NE(refusal().find("threshold"), std::string::npos);
}

TEST_F(ModelFileTest, MissingFileIsAnIoError) {
  try {
    (void)load_model((dir_ / "absent.nta").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("absent.nta"), std::string::npos);
  }
}

TEST_F(ModelFileTest, SaveRefusesMismatchedSchema) {
  ModelFile m = model_;
  m.feature_names.pop_back();
  EXPECT_THROW(save_model(path_, m), Error);
  EXPECT_THROW(save_model((dir_ / "no_such_dir" / "m.nta").string(), model_), Error);
}

}  // namespace
}  // namespace nta
