#include "ml/tree_builder.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <numeric>

#include "ml/random.h"

namespace nta {
namespace {

// `count` distinct indices in [0, n), by Floyd's algorithm: one draw each, whatever n.
std::vector<std::uint32_t> sample_without_replacement(std::size_t n, std::uint32_t count, SplitMix64& rng) {
  std::vector<std::uint32_t> out;
  out.reserve(count);
  if (count >= n) {
    out.resize(n);
    std::iota(out.begin(), out.end(), 0U);
    return out;
  }
  // Open-addressing set of the chosen indices, at most half full.
  std::size_t slots = 16;
  while (slots < 2 * static_cast<std::size_t>(count)) slots *= 2;
  constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> table(slots, kEmpty);
  const auto insert = [&](std::uint32_t v) {
    std::size_t h = static_cast<std::size_t>(mix64(v)) & (slots - 1);
    while (table[h] != kEmpty) {
      if (table[h] == v) return false;
      h = (h + 1) & (slots - 1);
    }
    table[h] = v;
    return true;
  };
  for (std::size_t j = n - count; j < n; ++j) {
    const auto t = static_cast<std::uint32_t>(rng.below(j + 1));
    const std::uint32_t pick = insert(t) ? t : static_cast<std::uint32_t>(j);
    if (pick != t) insert(pick);
    out.push_back(pick);
  }
  return out;
}

class TreeGrower {
 public:
  TreeGrower(MatrixView x, std::span<const std::uint32_t> rows, std::uint32_t height_limit, SplitMix64& rng)
      : n_(rows.size()), features_(x.cols), height_limit_(height_limit), rng_(rng) {
    // Column-major copy of the sample: a node's min/max scan reads one column.
    columns_.resize(n_ * features_);
    for (std::size_t i = 0; i < n_; ++i) {
      const double* src = x.data + static_cast<std::size_t>(rows[i]) * features_;
      for (std::size_t f = 0; f < features_; ++f) columns_[f * n_ + i] = src[f];
    }
    order_.resize(n_);
    std::iota(order_.begin(), order_.end(), 0U);
    // Candidate features per depth: a feature constant in a node is constant in its children.
    candidates_.resize((static_cast<std::size_t>(height_limit) + 1) * features_);
    std::iota(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(features_), 0U);
  }

  GrownTree grow() {
    tree_.nodes.reserve(2 * n_);
    tree_.sizes.reserve(2 * n_);
    tree_.nodes.emplace_back();
    tree_.sizes.push_back(0);
    split(0, 0, n_, 0, features_);
    return std::move(tree_);
  }

 private:
  void make_leaf(std::size_t node, std::size_t count, std::uint32_t depth) {
    tree_.nodes[node] = ForestNode{.value = depth + average_path_length(static_cast<double>(count)),
                                   .feature = static_cast<std::uint32_t>(features_),
                                   .next = static_cast<std::uint32_t>(node)};
    tree_.sizes[node] = static_cast<std::uint32_t>(count);
  }

  void split(std::size_t node, std::size_t lo, std::size_t hi, std::uint32_t depth, std::size_t live) {
    const std::size_t count = hi - lo;
    if (depth >= height_limit_ || count <= 1) return make_leaf(node, count, depth);

    // Draw features uniformly among those not yet known to be constant; a drawn feature that turns
    // out constant here is dropped for this subtree and another is drawn (scikit-learn's rule).
    std::uint32_t* cand = candidates_.data() + static_cast<std::size_t>(depth) * features_;
    double lo_value = 0;
    double hi_value = 0;
    std::uint32_t feature = 0;
    for (;;) {
      if (live == 0) return make_leaf(node, count, depth);
      const auto j = static_cast<std::size_t>(rng_.below(live));
      feature = cand[j];
      const double* col = columns_.data() + static_cast<std::size_t>(feature) * n_;
      lo_value = col[order_[lo]];
      hi_value = lo_value;
      for (std::size_t k = lo + 1; k < hi; ++k) {
        const double v = col[order_[k]];
        lo_value = std::min(lo_value, v);
        hi_value = std::max(hi_value, v);
      }
      if (hi_value > lo_value) break;
      std::swap(cand[j], cand[live - 1]);
      --live;
    }

    double threshold = lo_value + (hi_value - lo_value) * rng_.uniform01();
    if (threshold >= hi_value) threshold = lo_value;  // rounding: keep both sides non-empty

    // Partition: rows with value <= threshold first.
    const double* col = columns_.data() + static_cast<std::size_t>(feature) * n_;
    const auto mid =
        static_cast<std::size_t>(std::partition(order_.begin() + static_cast<std::ptrdiff_t>(lo),
                                                order_.begin() + static_cast<std::ptrdiff_t>(hi),
                                                [&](std::uint32_t r) { return col[r] <= threshold; }) -
                                 order_.begin());

    const std::size_t left = tree_.nodes.size();
    tree_.nodes[node] =
        ForestNode{.value = threshold, .feature = feature, .next = static_cast<std::uint32_t>(left)};
    tree_.sizes[node] = static_cast<std::uint32_t>(count);
    tree_.nodes.resize(left + 2);
    tree_.sizes.resize(left + 2);

    std::uint32_t* child_cand = cand + features_;
    std::copy(cand, cand + live, child_cand);
    split(left, lo, mid, depth + 1, live);
    std::copy(cand, cand + live, child_cand);  // the left subtree may have reordered them
    split(left + 1, mid, hi, depth + 1, live);
  }

  std::size_t n_;
  std::size_t features_;
  std::uint32_t height_limit_;
  SplitMix64& rng_;
  std::vector<double> columns_;
  std::vector<std::uint32_t> order_;
  std::vector<std::uint32_t> candidates_;
  GrownTree tree_;
};

}  // namespace

GrownTree grow_tree(MatrixView x, std::uint32_t sample_size, std::uint32_t height_limit, std::uint64_t seed,
                    std::uint64_t tree_index) {
  SplitMix64 rng = SplitMix64::for_stream(seed, tree_index);
  const std::vector<std::uint32_t> rows = sample_without_replacement(x.rows, sample_size, rng);
  TreeGrower grower(x, rows, height_limit, rng);
  return grower.grow();
}

}  // namespace nta
