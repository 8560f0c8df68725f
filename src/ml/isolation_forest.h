#pragma once
// The Isolation Forest of Liu, Ting and Zhou (ICDM 2008), scored like scikit-learn's: t random
// trees, each grown on a sub-sample of psi rows drawn without replacement, to a height limit of
// ceil(log2 psi); at each node a feature drawn uniformly among those not constant in the node and a
// split value uniform in (min, max). A row's path length in a tree is the depth of the leaf it reaches
// plus c(leaf size); its score is s(x) = 2^(-E[h(x)] / c(psi)). Deterministic under a seed whatever the
// thread count. All trees live in one flat node array; scoring walks a block of rows through one tree
// at a time so the tree stays in cache. Knows nothing about networks. See docs/ml.md.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ml/matrix.h"

namespace nta {

struct ForestParams {
  std::uint32_t trees = 100;        // t
  std::uint32_t sample_size = 256;  // psi; the forest uses min(sample_size, rows)
  std::uint64_t seed = 1;           // the same seed gives the same forest and scores
  unsigned threads = 1;             // fit on this many threads (not stored in a model file)
};

// c(n): the average path length of an unsuccessful search in a binary search tree of n keys,
// 2 H(n-1) - 2 (n-1) / n with H(i) = ln(i) + Euler's constant; c(n) = 0 for n <= 1, c(2) = 1.
[[nodiscard]] double average_path_length(double n) noexcept;

// One node of the flat array. Internal: rows with x[feature] <= value go to `next`, the others to
// `next + 1`. Leaf: feature == the forest's feature count, next == its own index (a self-loop, so a
// fixed number of steps lands every row on its leaf without a branch) and value = depth + c(size).
struct ForestNode {
  double value = 0;
  std::uint32_t feature = 0;
  std::uint32_t next = 0;
};

class IsolationForest {
 public:
  IsolationForest() = default;  // an empty forest: features() == 0, every score 0

  // Grows the forest on the rows of `x`. Throws nta::Error(kUsage) on fewer than 2 rows, no columns,
  // no trees, a sample size below 2, or a NaN or infinite value.
  [[nodiscard]] static IsolationForest fit(MatrixView x, const ForestParams& p);

  // s(x) for each row of `x` into `out` (out.size() == x.rows); x.cols must equal features().
  // Throws nta::Error(kUsage) on a shape mismatch. Bit-identical to score_row, whatever `threads`.
  void score(MatrixView x, std::span<double> out, unsigned threads = 1) const;
  // One row (row.size() must equal features(); a row of another width, or an empty forest, scores 0).
  [[nodiscard]] double score_row(std::span<const double> row) const noexcept;
  // E[h(x)]: the mean path length over the trees (the quantity s(x) is made of).
  [[nodiscard]] double mean_path_length(std::span<const double> row) const noexcept;

  // The features that did most to isolate `row`, best first; fills up to out.size() entries and
  // returns the count. Weights are shares of the total credit (they sum to 1 over all features).
  struct Credit {
    std::uint32_t feature;
    double weight;
  };
  std::size_t explain(std::span<const double> row, std::span<Credit> out) const;
  // score_row and explain in one walk of the forest, for scoring flows one at a time: the score is
  // score_row's exactly; `count` entries of `out` are filled as explain fills them.
  struct Explained {
    double score = 0;
    std::size_t count = 0;
  };
  [[nodiscard]] Explained score_and_explain(std::span<const double> row, std::span<Credit> out) const;

  [[nodiscard]] std::size_t features() const noexcept { return features_; }
  [[nodiscard]] const ForestParams& params() const noexcept { return params_; }
  [[nodiscard]] std::uint32_t trees() const noexcept {
    return static_cast<std::uint32_t>(tree_starts_.size());
  }
  // psi as used: min(params().sample_size, training rows).
  [[nodiscard]] std::uint32_t sample_size_used() const noexcept { return sample_size_used_; }

  // The raw arrays, for the model file. tree_starts[i] is the index of tree i's root; tree i's nodes
  // are [tree_starts[i], tree_starts[i+1]) (the last tree ends at nodes.size()). node_sizes[i] is the
  // number of training rows that reached node i.
  [[nodiscard]] std::span<const ForestNode> nodes() const noexcept { return nodes_; }
  [[nodiscard]] std::span<const std::uint32_t> node_sizes() const noexcept { return node_sizes_; }
  [[nodiscard]] std::span<const std::uint32_t> tree_starts() const noexcept { return tree_starts_; }

  // Rebuilds a forest from raw arrays (a loaded model), checking every reference so that no crafted
  // input can make scoring read out of bounds or loop. Throws nta::Error(kInput) naming the first
  // inconsistency ("node 17 of tree 3: ...").
  [[nodiscard]] static IsolationForest from_parts(const ForestParams& p, std::size_t features,
                                                  std::uint32_t sample_size_used,
                                                  std::vector<ForestNode> nodes,
                                                  std::vector<std::uint32_t> node_sizes,
                                                  std::vector<std::uint32_t> tree_starts);

 private:
  // The nodes as the scoring loop reads them: the column pre-multiplied by the block height, the child
  // index doubled (a node is two 8-byte words), so each step is a few loads and one `lea`.
  struct ScoreNode {
    double value;
    std::uint32_t column;  // feature * block_rows_ (the leaf marker's column holds -infinity)
    std::uint32_t next2;   // 2 * next
  };
  void build_score_nodes();
  void score_block(const double* block, std::size_t count, double* out) const noexcept;

  ForestParams params_{};
  std::size_t features_ = 0;
  std::uint32_t sample_size_used_ = 0;
  std::uint32_t steps_ = 0;  // the deepest leaf's depth: steps that land every row on its leaf
  double c_psi_ = 0;         // c(sample_size_used_)
  std::vector<ForestNode> nodes_;
  std::vector<ScoreNode> score_nodes_;
  // The nodes as score_and_explain reads them: one 16-byte node per step, carrying log2 of its training
  // rows in fixed point (kBitsScale per unit). Empty when the features do not fit 16 bits.
  struct WalkNode {
    double value;
    std::uint32_t next;
    std::uint16_t feature;
    std::uint16_t bits;
  };
  static constexpr double kBitsScale = 2000;
  [[nodiscard]] static std::uint32_t size_bits(std::uint32_t size) noexcept;
  std::vector<WalkNode> walk_nodes_;
  std::size_t block_rows_ = 0;     // rows scored together: their values fit in L2 with the tree
  std::vector<std::uint32_t> node_sizes_;
  std::vector<std::uint32_t> tree_starts_;
};

}  // namespace nta
