#include "ml/csv_matrix.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace nta {
namespace {

// The message of the input error parsing `text` raises.
std::string refusal(std::string_view text, std::string_view label = "") {
  try {
    (void)parse_numeric_csv(text, label, "data.csv");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

TEST(CsvMatrix, ReadsFeaturesAndLabels) {
  const CsvMatrix m = parse_numeric_csv("a,b,label,c\n1,2.5,0,-3\n4e2, 5 ,1,+6\r\n\n7,8,0,9", "label", "x");
  EXPECT_EQ(m.names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(m.label_name, "label");
  EXPECT_EQ(m.features.rows, 3U);
  EXPECT_EQ(m.features.cols, 3U);
  EXPECT_EQ(m.features.values, (std::vector<double>{1, 2.5, -3, 400, 5, 6, 7, 8, 9}));
  EXPECT_EQ(m.labels, (std::vector<std::uint8_t>{0, 1, 0}));
}

TEST(CsvMatrix, WithoutLabelEveryColumnIsAFeature) {
  const CsvMatrix m = parse_numeric_csv("\"x\",\"y\"\n1,2\n3,4\n", "", "x");
  EXPECT_EQ(m.names, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(m.labels.empty());
  EXPECT_EQ(m.features.rows, 2U);
}

TEST(CsvMatrix, ErrorsNameTheLineAndColumn) {
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  EXPECT_NE(refusal("\n\n").find("empty"), std::string::npos);
  EXPECT_NE(refusal("a,b\n").find("no rows"), std::string::npos);
  EXPECT_NE(refusal("1,2\n3,4\n").find("header"), std::string::npos);
  EXPECT_EQ(refusal("a,b\n1,2\n3,x7\n"), "data.csv: line 3, column 2 ('b'): 'x7' is not a number");
  EXPECT_EQ(refusal("a,b\n1,2\n3,7z\n"), "data.csv: line 3, column 2 ('b'): '7z' is not a number");
  EXPECT_EQ(refusal("a,b\n1,2\n3\n"), "data.csv: line 3: 1 columns, the header has 2");
  EXPECT_EQ(refusal("a,b\n1,2,3\n"), "data.csv: line 2: more than the header's 2 columns");
  EXPECT_EQ(refusal("a,b\n1,\n"), "data.csv: line 2, column 2 ('b'): the cell is empty");
  EXPECT_NE(refusal("a,b\n1,nan\n").find("line 2, column 2 ('b'): nan is not allowed"), std::string::npos);
  EXPECT_NE(refusal("a,b\n1,inf\n").find("not allowed"), std::string::npos);
  EXPECT_EQ(refusal("a,label\n1,2\n", "label"),
            "data.csv: line 2, column 2 ('label'): a label must be 0 or 1, not 2");
  EXPECT_NE(refusal("label\n1\n", "label").find("no feature columns"), std::string::npos);
}

TEST(CsvMatrix, UnknownLabelColumnIsAUsageError) {
  try {
    (void)parse_numeric_csv("a,b\n1,2\n", "target", "data.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_EQ(std::string(e.what()), "data.csv: no column named 'target' for the labels");
  }
}

TEST(CsvMatrix, ControlBytesInCellsAreNotEchoed) {
  const std::string why = refusal("a\n\x1b[31mred\n");
  EXPECT_EQ(why.find('\x1b'), std::string::npos) << why;
}

}  // namespace
}  // namespace nta
