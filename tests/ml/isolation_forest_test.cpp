#include "ml/isolation_forest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <vector>

#include "core/error.h"
#include "ml/matrix.h"
#include "ml/roc_auc.h"
#include "ml_test_data.h"

namespace nta {
namespace {

std::vector<double> score_all(const IsolationForest& f, const Matrix& m, unsigned threads = 1) {
  std::vector<double> s(m.rows);
  f.score(m.view(), s, threads);
  return s;
}

// 1000 inliers in a unit Gaussian in 4-D and one point far away at row 500.
Matrix with_planted_outlier() {
  Matrix m = test::gaussian_blob(1000, 4, 7);
  for (std::size_t c = 0; c < 4; ++c) m.values[500 * 4 + c] = 8.0;
  return m;
}

TEST(IsolationForest, PlantedOutlierScoresHighest) {
  const Matrix m = with_planted_outlier();
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{});
  const std::vector<double> s = score_all(f, m);
  const auto top = static_cast<std::size_t>(std::max_element(s.begin(), s.end()) - s.begin());
  EXPECT_EQ(top, 500U);
  EXPECT_GT(s[500], 0.6);
  // The inliers sit around 0.4-0.5: their mean between 0.38 and 0.5, few (the Gaussian tails) above
  // 0.55 (scikit-learn: 25 of 999 on data like these).
  double sum = 0;
  std::size_t high = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 500) continue;
    sum += s[i];
    high += s[i] > 0.55 ? 1U : 0U;
  }
  const double mean = sum / 999.0;
  EXPECT_GT(mean, 0.38);
  EXPECT_LT(mean, 0.5);
  EXPECT_LT(high, 60U);
}

TEST(IsolationForest, SeparatesAClusterOfOutliers) {
  Matrix m = test::gaussian_blob(2000, 6, 11);
  std::vector<std::uint8_t> labels(m.rows, 0);
  test::TestRng rng(3);
  for (std::size_t r = 0; r < m.rows; r += 50) {  // 40 outliers, uniform in a wide box
    labels[r] = 1;
    for (std::size_t c = 0; c < m.cols; ++c) m.values[r * m.cols + c] = rng.uniform() * 16 - 8;
  }
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{.seed = 5});
  EXPECT_GT(roc_auc(score_all(f, m), labels), 0.9);
}

TEST(IsolationForest, SameSeedSameScoresWhateverTheThreads) {
  const Matrix m = test::gaussian_blob(3000, 5, 1);
  const IsolationForest a =
      IsolationForest::fit(m.view(), ForestParams{.trees = 50, .seed = 42, .threads = 1});
  const IsolationForest b =
      IsolationForest::fit(m.view(), ForestParams{.trees = 50, .seed = 42, .threads = 3});
  ASSERT_EQ(a.nodes().size(), b.nodes().size());
  for (std::size_t i = 0; i < a.nodes().size(); ++i) {
    EXPECT_EQ(a.nodes()[i].value, b.nodes()[i].value);
    EXPECT_EQ(a.nodes()[i].feature, b.nodes()[i].feature);
    EXPECT_EQ(a.nodes()[i].next, b.nodes()[i].next);
  }
  const std::vector<double> s1 = score_all(a, m, 1);
  EXPECT_EQ(s1, score_all(b, m, 1));
  EXPECT_EQ(s1, score_all(a, m, 2));
  EXPECT_EQ(s1, score_all(a, m, 7));
  for (std::size_t r = 0; r < m.rows; r += 97) EXPECT_EQ(s1[r], a.score_row(m.row(r))) << r;
}

TEST(IsolationForest, DifferentSeedsDifferentForests) {
  const Matrix m = test::gaussian_blob(500, 3, 1);
  const IsolationForest a = IsolationForest::fit(m.view(), ForestParams{.seed = 1});
  const IsolationForest b = IsolationForest::fit(m.view(), ForestParams{.seed = 2});
  EXPECT_NE(score_all(a, m), score_all(b, m));
}

TEST(IsolationForest, TreeShapeFollowsThePaper) {
  const Matrix m = test::gaussian_blob(1000, 3, 9);
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{.trees = 20, .sample_size = 100});
  EXPECT_EQ(f.sample_size_used(), 100U);
  EXPECT_EQ(f.trees(), 20U);
  const std::size_t leaf = f.features();
  for (std::size_t t = 0; t < f.trees(); ++t) {
    const std::size_t begin = f.tree_starts()[t];
    const std::size_t end = t + 1 < f.trees() ? f.tree_starts()[t + 1] : f.nodes().size();
    EXPECT_EQ(f.node_sizes()[begin], 100U);
    // Depth by walking: every leaf at most ceil(log2 100) = 7 deep, value = depth + c(size).
    std::vector<int> depth(end - begin, 0);
    for (std::size_t i = begin; i < end; ++i) {
      const ForestNode& n = f.nodes()[i];
      if (n.feature == leaf) {
        EXPECT_LE(depth[i - begin], 7);
        EXPECT_DOUBLE_EQ(n.value, depth[i - begin] + average_path_length(f.node_sizes()[i]));
        // A leaf above the limit holds one row (or rows equal in every feature: none here).
        if (depth[i - begin] < 7) {
          EXPECT_EQ(f.node_sizes()[i], 1U);
        }
      } else {
        depth[n.next - begin] = depth[n.next + 1 - begin] = depth[i - begin] + 1;
      }
    }
  }
  // The sample is smaller than the data: psi = min(sample_size, rows).
  const Matrix small = test::gaussian_blob(40, 2, 1);
  EXPECT_EQ(IsolationForest::fit(small.view(), ForestParams{}).sample_size_used(), 40U);
}

TEST(IsolationForest, ConstantFeaturesAreNeverSplit) {
  Matrix m = test::gaussian_blob(300, 3, 4);
  for (std::size_t r = 0; r < m.rows; ++r) m.values[r * 3 + 1] = 5.0;  // column 1 constant
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{});
  for (const ForestNode& n : f.nodes()) EXPECT_NE(n.feature, 1U);
}

TEST(IsolationForest, IdenticalRowsMakeARootLeaf) {
  Matrix m;
  m.rows = 10;
  m.cols = 2;
  m.values.assign(20, 3.0);
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{.trees = 3});
  EXPECT_EQ(f.nodes().size(), 3U);
  // Every row's path is c(10): s = 2^-1 = 0.5.
  EXPECT_DOUBLE_EQ(f.score_row(m.row(0)), 0.5);
}

TEST(IsolationForest, RejectsBadInput) {
  Matrix one = test::gaussian_blob(1, 3, 1);
  EXPECT_THROW((void)IsolationForest::fit(one.view(), ForestParams{}), Error);
  Matrix m = test::gaussian_blob(10, 3, 1);
  EXPECT_THROW((void)IsolationForest::fit(m.view(), ForestParams{.trees = 0}), Error);
  EXPECT_THROW((void)IsolationForest::fit(m.view(), ForestParams{.sample_size = 1}), Error);
  m.values[7] = std::nan("");
  try {
    (void)IsolationForest::fit(m.view(), ForestParams{});
    FAIL() << "NaN accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("row 3, column 2"), std::string::npos) << e.what();
  }
  const Matrix good = test::gaussian_blob(10, 3, 1);
  const IsolationForest f = IsolationForest::fit(good.view(), ForestParams{});
  const Matrix other = test::gaussian_blob(10, 4, 1);
  std::vector<double> out(10);
  EXPECT_THROW(f.score(other.view(), out), Error);
  std::vector<double> short_out(3);
  EXPECT_THROW(f.score(good.view(), short_out), Error);
}

TEST(IsolationForest, ExplainsWithTheFeatureThatIsolates) {
  Matrix m = test::gaussian_blob(2000, 8, 21);
  m.values[1234 * 8 + 5] = 9.0;  // only feature 5 is extreme
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{.seed = 3});
  std::array<IsolationForest::Credit, 3> top{};
  ASSERT_EQ(f.explain(m.row(1234), top), 3U);
  EXPECT_EQ(top[0].feature, 5U);
  EXPECT_GT(top[0].weight, 0.3);
  EXPECT_GE(top[0].weight, top[1].weight);
  EXPECT_GE(top[1].weight, top[2].weight);
  // Weights are shares of one whole.
  std::array<IsolationForest::Credit, 8> all{};
  const std::size_t n = f.explain(m.row(1234), all);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += all[i].weight;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  // An inlier spreads its credit: no feature gets as much.
  std::array<IsolationForest::Credit, 1> one{};
  ASSERT_EQ(f.explain(m.row(10), one), 1U);
  EXPECT_LT(one[0].weight, top[0].weight);
}

// The credit of each feature, walked tree by tree from the public node arrays: the definition
// score_and_explain's interleaved walk must agree with.
std::vector<double> reference_credit(const IsolationForest& f, std::span<const double> row) {
  std::vector<double> credit(f.features(), 0.0);
  const auto nodes = f.nodes();
  const auto sizes = f.node_sizes();
  for (const std::uint32_t root : f.tree_starts()) {
    std::uint32_t i = root;
    while (nodes[i].feature != f.features()) {
      const std::uint32_t child = nodes[i].next + (row[nodes[i].feature] > nodes[i].value ? 1U : 0U);
      credit[nodes[i].feature] += std::log2(double(sizes[i])) - std::log2(double(sizes[child]));
      i = child;
    }
  }
  return credit;
}

TEST(IsolationForest, ScoreAndExplainIsOneWalkOfBoth) {
  const Matrix m = test::gaussian_blob(600, 7, 5);
  // 37 trees: four groups of eight walked side by side and five walked alone.
  const IsolationForest f = IsolationForest::fit(m.view(), ForestParams{.trees = 37, .seed = 9});
  for (std::size_t r = 0; r < m.rows; r += 13) {
    std::array<IsolationForest::Credit, 7> all{};
    const IsolationForest::Explained e = f.score_and_explain(m.row(r), all);
    EXPECT_EQ(e.score, f.score_row(m.row(r))) << "row " << r;
    const std::vector<double> credit = reference_credit(f, m.row(r));
    double total = 0;
    for (const double c : credit) total += c;
    std::size_t positive = 0;
    for (const double c : credit) positive += c > 0 ? 1 : 0;
    ASSERT_EQ(e.count, positive) << "row " << r;
    for (std::size_t i = 0; i < e.count; ++i) {
      // Credits are summed in fixed point (1/2000 of a bit per node): shares agree to well under 0.1%.
      EXPECT_NEAR(all[i].weight, credit[all[i].feature] / total, 1e-3) << "row " << r;
      if (i > 0) {
        EXPECT_GE(all[i - 1].weight, all[i].weight);
      }
    }
    std::array<IsolationForest::Credit, 2> two{};
    ASSERT_EQ(f.explain(m.row(r), two), 2U);
    EXPECT_EQ(two[0].feature, all[0].feature);
    EXPECT_EQ(two[1].feature, all[1].feature);
  }
  // No room for credits: the score still comes.
  const IsolationForest::Explained bare = f.score_and_explain(m.row(3), {});
  EXPECT_EQ(bare.score, f.score_row(m.row(3)));
  EXPECT_EQ(bare.count, 0U);
}

TEST(IsolationForest, EmptyForestScoresZero) {
  const IsolationForest f;
  EXPECT_EQ(f.features(), 0U);
  const std::vector<double> row{1.0};
  EXPECT_EQ(f.score_row(row), 0.0);
}

}  // namespace
}  // namespace nta
