#include "ml/isolation_forest.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <thread>

#include "core/error.h"
#include "ml/tree_builder.h"

namespace nta {
namespace {

constexpr double kEulerGamma = 0.5772156649015329;

constexpr std::size_t kMaxBlockRows = 256;
constexpr std::size_t kBlockBytes = 128 * 1024;

unsigned effective_threads(unsigned wanted, std::size_t work_items) {
  const std::size_t t =
      std::clamp<std::size_t>(wanted == 0 ? 1 : wanted, 1, std::max<std::size_t>(work_items, 1));
  return static_cast<unsigned>(t);
}

// Runs body(k) for k in [0, count) on `threads` threads (inline when one), items taken in order.
template <typename Body>
void parallel_for(std::size_t count, unsigned threads, Body body) {
  if (threads <= 1 || count <= 1) {
    for (std::size_t k = 0; k < count; ++k) body(k);
    return;
  }
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t k = next.fetch_add(1); k < count; k = next.fetch_add(1)) body(k);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace

double average_path_length(double n) noexcept {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  return 2.0 * (std::log(n - 1.0) + kEulerGamma) - 2.0 * (n - 1.0) / n;
}

IsolationForest IsolationForest::fit(MatrixView x, const ForestParams& p) {
  if (x.rows < 2)
    throw Error(ErrorKind::kUsage, fmt::format("isolation forest: need at least 2 rows, got {}", x.rows));
  if (x.cols == 0) throw Error(ErrorKind::kUsage, "isolation forest: the data have no feature columns");
  if (x.cols >= std::numeric_limits<std::uint32_t>::max() ||
      x.rows >= std::numeric_limits<std::uint32_t>::max())
    throw Error(ErrorKind::kUsage, "isolation forest: too many rows or columns (at most 2^32 - 2)");
  if (p.trees == 0)
    throw Error(ErrorKind::kUsage, "isolation forest: the number of trees must be at least 1");
  if (p.sample_size < 2)
    throw Error(ErrorKind::kUsage, "isolation forest: the sample size must be at least 2");
  for (std::size_t i = 0; i < x.rows * x.cols; ++i) {
    if (!std::isfinite(x.data[i])) {
      throw Error(ErrorKind::kUsage,
                  fmt::format("isolation forest: row {}, column {} is {}: values must be finite",
                              i / x.cols + 1, i % x.cols + 1, x.data[i]));
    }
  }

  const auto psi = static_cast<std::uint32_t>(std::min<std::size_t>(p.sample_size, x.rows));
  const auto height_limit = static_cast<std::uint32_t>(std::bit_width(psi - 1U));  // ceil(log2 psi)

  std::vector<GrownTree> grown(p.trees);
  parallel_for(p.trees, effective_threads(p.threads, p.trees),
               [&](std::size_t t) { grown[t] = grow_tree(x, psi, height_limit, p.seed, t); });

  std::vector<ForestNode> nodes;
  std::vector<std::uint32_t> sizes;
  std::vector<std::uint32_t> starts;
  std::size_t total = 0;
  for (const GrownTree& g : grown) total += g.nodes.size();
  nodes.reserve(total);
  sizes.reserve(total);
  starts.reserve(p.trees);
  for (GrownTree& g : grown) {
    const auto base = static_cast<std::uint32_t>(nodes.size());
    starts.push_back(base);
    for (ForestNode n : g.nodes) {
      n.next += base;
      nodes.push_back(n);
    }
    sizes.insert(sizes.end(), g.sizes.begin(), g.sizes.end());
    g = GrownTree{};
  }
  return from_parts(p, x.cols, psi, std::move(nodes), std::move(sizes), std::move(starts));
}

IsolationForest IsolationForest::from_parts(const ForestParams& p, std::size_t features,
                                            std::uint32_t sample_size_used, std::vector<ForestNode> nodes,
                                            std::vector<std::uint32_t> node_sizes,
                                            std::vector<std::uint32_t> tree_starts) {
  const auto bad = [](const std::string& what) { return Error(ErrorKind::kInput, what); };
  // The scoring loop keeps feature * block rows and 2 * node index in 32 bits.
  if (features == 0 || features >= std::numeric_limits<std::uint32_t>::max() / kMaxBlockRows)
    throw bad(fmt::format("bad feature count {}", features));
  if (sample_size_used < 2) throw bad(fmt::format("bad sample size {}", sample_size_used));
  if (tree_starts.empty()) throw bad("no trees");
  if (node_sizes.size() != nodes.size())
    throw bad(fmt::format("{} node sizes for {} nodes", node_sizes.size(), nodes.size()));
  if (nodes.size() >= std::numeric_limits<std::uint32_t>::max() / 2) throw bad("too many nodes");

  const auto leaf_feature = static_cast<std::uint32_t>(features);
  std::vector<std::uint8_t> parents(nodes.size(), 0);
  std::vector<std::uint32_t> depth(nodes.size(), 0);
  std::uint32_t max_depth = 0;
  for (std::size_t t = 0; t < tree_starts.size(); ++t) {
    const std::size_t begin = tree_starts[t];
    const std::size_t end = t + 1 < tree_starts.size() ? tree_starts[t + 1] : nodes.size();
    if ((t == 0 && begin != 0) || begin >= end || end > nodes.size())
      throw bad(fmt::format("tree {} has a bad node range [{}, {})", t, begin, end));
    if (node_sizes[begin] != sample_size_used)
      throw bad(fmt::format("tree {} was grown on {} rows, not the sample size {}", t, node_sizes[begin],
                            sample_size_used));
    for (std::size_t i = begin; i < end; ++i) {
      const ForestNode& n = nodes[i];
      const auto where = [&] { return fmt::format("node {} of tree {}", i - begin, t); };
      if (i != begin && parents[i] != 1)
        throw bad(fmt::format("{} has {} parents, not 1", where(), parents[i]));
      if (node_sizes[i] == 0) throw bad(fmt::format("{} holds no rows", where()));
      if (n.feature == leaf_feature) {
        if (n.next != i) throw bad(fmt::format("{} is a leaf that does not point to itself", where()));
        if (!std::isfinite(n.value) || n.value < 0)
          throw bad(fmt::format("{} has a bad path length", where()));
        max_depth = std::max(max_depth, depth[i]);
        continue;
      }
      if (n.feature > leaf_feature)
        throw bad(fmt::format("{} splits on feature {} of {}", where(), n.feature, features));
      if (n.next <= i || static_cast<std::size_t>(n.next) + 1 >= end)
        throw bad(fmt::format("{} points outside its tree", where()));
      if (!std::isfinite(n.value)) throw bad(fmt::format("{} has a non-finite threshold", where()));
      if (static_cast<std::uint64_t>(node_sizes[n.next]) + node_sizes[n.next + 1] != node_sizes[i])
        throw bad(fmt::format("{}: its children's row counts do not add up", where()));
      for (std::uint32_t c = n.next; c <= n.next + 1; ++c) {
        ++parents[c];
        if (parents[c] > 1)
          throw bad(fmt::format("node {} of tree {} has more than one parent", c - begin, t));
        depth[c] = depth[i] + 1;
      }
    }
  }

  IsolationForest f;
  f.params_ = p;
  f.features_ = features;
  f.sample_size_used_ = sample_size_used;
  f.steps_ = max_depth;
  f.c_psi_ = average_path_length(sample_size_used);
  f.nodes_ = std::move(nodes);
  f.node_sizes_ = std::move(node_sizes);
  f.tree_starts_ = std::move(tree_starts);
  f.build_score_nodes();
  return f;
}

// One row: 8 trees walked side by side (their chains of loads overlap), over a copy of the row with
// the leaf marker's column set to -infinity so every walk takes steps_ steps without a branch. The
// leaves are added in tree order, as score_block does, so the sums agree bit for bit.
double IsolationForest::mean_path_length(std::span<const double> row) const noexcept {
  if (tree_starts_.empty() || row.size() != features_) return 0;
  constexpr std::size_t kStackFeatures = 255;
  std::array<double, kStackFeatures + 1> stack_row;
  std::vector<double> heap_row;
  double* x = stack_row.data();
  if (features_ > kStackFeatures) {
    heap_row.resize(features_ + 1);
    x = heap_row.data();
  }
  std::copy(row.begin(), row.end(), x);
  x[features_] = -std::numeric_limits<double>::infinity();

  constexpr std::size_t kLanes = 8;
  const ForestNode* nodes = nodes_.data();
  const std::size_t trees = tree_starts_.size();
  double sum = 0;
  std::size_t t = 0;
  for (; t + kLanes <= trees; t += kLanes) {
    std::array<std::uint32_t, kLanes> at;
    for (std::size_t k = 0; k < kLanes; ++k) at[k] = tree_starts_[t + k];
    for (std::uint32_t s = 0; s < steps_; ++s) {
      for (std::size_t k = 0; k < kLanes; ++k) {
        const ForestNode& n = nodes[at[k]];
        at[k] = n.next + static_cast<std::uint32_t>(x[n.feature] > n.value);
      }
    }
    for (std::size_t k = 0; k < kLanes; ++k) sum += nodes[at[k]].value;
  }
  for (; t < trees; ++t) {
    std::uint32_t i = tree_starts_[t];
    for (std::uint32_t s = 0; s < steps_; ++s)
      i = nodes[i].next + static_cast<std::uint32_t>(x[nodes[i].feature] > nodes[i].value);
    sum += nodes[i].value;
  }
  return sum / static_cast<double>(trees);
}

double IsolationForest::score_row(std::span<const double> row) const noexcept {
  if (tree_starts_.empty() || row.size() != features_) return 0;
  return std::exp2(-mean_path_length(row) / c_psi_);
}

std::uint32_t IsolationForest::size_bits(std::uint32_t size) noexcept {
  // log2 of at most 2^32 - 1 rows is below 32: 32 * kBitsScale fits 16 bits.
  if (size <= 1) return 0;
  return static_cast<std::uint32_t>(std::lround(std::log2(static_cast<double>(size)) * kBitsScale));
}

void IsolationForest::build_score_nodes() {
  // A block of rows (features + 1 doubles each) of at most ~128 KiB, 16..256 rows, a multiple of 8.
  block_rows_ =
      std::clamp<std::size_t>((kBlockBytes / (8 * (features_ + 1))) & ~std::size_t{7}, 16, kMaxBlockRows);
  walk_nodes_.clear();
  if (features_ < std::numeric_limits<std::uint16_t>::max()) {
    walk_nodes_.resize(nodes_.size());
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      walk_nodes_[i] = WalkNode{.value = nodes_[i].value,
                                .next = nodes_[i].next,
                                .feature = static_cast<std::uint16_t>(nodes_[i].feature),
                                .bits = static_cast<std::uint16_t>(size_bits(node_sizes_[i]))};
    }
  }
  score_nodes_.resize(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    score_nodes_[i] = ScoreNode{.value = nodes_[i].value,
                                .column = static_cast<std::uint32_t>(nodes_[i].feature * block_rows_),
                                .next2 = 2 * nodes_[i].next};
  }
}

namespace {

// The hot loop: kLanes rows walk one tree side by side. Their chains of dependent loads are
// independent, so the CPU overlaps them. `block` is feature-major (value of feature f of lane k at
// block[f * block_rows_ + k]) with one extra feature row of -infinity, the leaf marker's column: a
// leaf "splits" on it, -inf > value is false, and the row stays on the leaf. So every row takes exactly
// `steps` steps and no branch depends on the data.
template <std::size_t kLanes, typename ScoreNode>
inline void walk_lanes(const ScoreNode* nodes, std::uint32_t root2, std::uint32_t steps, const double* block,
                       double* sum) noexcept {
  const char* base = reinterpret_cast<const char*>(nodes);
  std::array<std::uint32_t, kLanes> at;
  at.fill(root2);
  for (std::uint32_t s = 0; s < steps; ++s) {
    for (std::size_t k = 0; k < kLanes; ++k) {
      const auto* n = reinterpret_cast<const ScoreNode*>(base + std::size_t{at[k]} * 8);
      at[k] = n->next2 + 2 * static_cast<std::uint32_t>(block[n->column + k] > n->value);
    }
  }
  for (std::size_t k = 0; k < kLanes; ++k)
    sum[k] += reinterpret_cast<const ScoreNode*>(base + std::size_t{at[k]} * 8)->value;
}

}  // namespace

void IsolationForest::score_block(const double* block, std::size_t count, double* out) const noexcept {
  constexpr std::size_t kLanes = 8;
  std::array<double, kMaxBlockRows> sum{};
  const ScoreNode* nodes = score_nodes_.data();
  for (const std::uint32_t root : tree_starts_) {
    std::size_t r = 0;
    for (; r + kLanes <= count; r += kLanes) walk_lanes<kLanes>(nodes, 2 * root, steps_, block + r, &sum[r]);
    for (; r < count; ++r) walk_lanes<1>(nodes, 2 * root, steps_, block + r, &sum[r]);
  }
  const double trees = static_cast<double>(tree_starts_.size());
  for (std::size_t r = 0; r < count; ++r) out[r] = std::exp2(-(sum[r] / trees) / c_psi_);
}

void IsolationForest::score(MatrixView x, std::span<double> out, unsigned threads) const {
  if (out.size() != x.rows)
    throw Error(ErrorKind::kUsage,
                fmt::format("isolation forest: {} scores for {} rows", out.size(), x.rows));
  if (x.rows == 0) return;
  if (tree_starts_.empty()) {
    std::fill(out.begin(), out.end(), 0.0);
    return;
  }
  if (x.cols != features_) {
    throw Error(
        ErrorKind::kUsage,
        fmt::format("isolation forest: the data have {} columns, the model expects {}", x.cols, features_));
  }
  const std::size_t rows_per_block = block_rows_;
  const std::size_t blocks = (x.rows + rows_per_block - 1) / rows_per_block;
  const unsigned workers = effective_threads(threads, blocks);
  // Each worker takes runs of consecutive blocks and transposes each into its feature-major buffer.
  const std::size_t per_task = std::max<std::size_t>(1, blocks / (static_cast<std::size_t>(workers) * 8));
  const std::size_t tasks = (blocks + per_task - 1) / per_task;
  parallel_for(tasks, workers, [&](std::size_t task) {
    std::vector<double> block((features_ + 1) * rows_per_block);
    std::fill(block.begin() + static_cast<std::ptrdiff_t>(features_ * rows_per_block), block.end(),
              -std::numeric_limits<double>::infinity());
    const std::size_t first_block = task * per_task;
    const std::size_t last_block = std::min(blocks, first_block + per_task);
    for (std::size_t b = first_block; b < last_block; ++b) {
      const std::size_t begin = b * rows_per_block;
      const std::size_t count = std::min(rows_per_block, x.rows - begin);
      const double* src = x.data + begin * x.cols;
      for (std::size_t r = 0; r < count; ++r) {
        for (std::size_t f = 0; f < x.cols; ++f) block[f * rows_per_block + r] = src[r * x.cols + f];
      }
      score_block(block.data(), count, out.data() + begin);
    }
  });
}

// A cut's credit is log2(rows before the cut / rows on the row's side after it): the halvings of the
// row's company it achieves. See docs/ml.md, "Explanations". Credits are kept in fixed point
// (kBitsScale units of log2 per node, so a cut's credit is the difference of two integers): the sums
// are exact whatever the order of the trees. The walk is mean_path_length's (8 trees side by side, a
// fixed number of steps, a leaf looping to itself) over 16-byte nodes that carry their own log2 size:
// the child's size is read from the node the next step reads anyway. The leaves are summed in
// score_row's order, so the score is score_row's bit for bit.
IsolationForest::Explained IsolationForest::score_and_explain(std::span<const double> row,
                                                              std::span<Credit> out) const {
  Explained result;
  if (tree_starts_.empty() || row.size() != features_) return result;
  constexpr std::size_t kStackFeatures = 255;
  std::array<double, kStackFeatures + 1> stack_row;
  std::array<std::uint64_t, kStackFeatures + 1> stack_credit{};
  std::vector<double> heap_row;
  std::vector<std::uint64_t> heap_credit;
  double* x = stack_row.data();
  std::uint64_t* credit = stack_credit.data();  // credit[features_]: where leaves' nothing goes
  if (features_ > kStackFeatures) {
    heap_row.resize(features_ + 1);
    heap_credit.assign(features_ + 1, 0);
    x = heap_row.data();
    credit = heap_credit.data();
  }
  std::copy(row.begin(), row.end(), x);
  x[features_] = -std::numeric_limits<double>::infinity();

  const std::size_t trees = tree_starts_.size();
  double sum = 0;
  if (walk_nodes_.empty()) {
    // More features than a walk node can name: the same credits from the plain arrays.
    for (const std::uint32_t root : tree_starts_) {
      std::uint32_t i = root;
      while (nodes_[i].feature != features_) {
        const std::uint32_t child = nodes_[i].next + static_cast<std::uint32_t>(x[nodes_[i].feature] > nodes_[i].value);
        credit[nodes_[i].feature] += static_cast<std::uint64_t>(size_bits(node_sizes_[i]) - size_bits(node_sizes_[child]));
        i = child;
      }
      sum += nodes_[i].value;
    }
  } else {
    constexpr std::size_t kLanes = 8;
    const WalkNode* nodes = walk_nodes_.data();
    auto walk = [&]<std::size_t kN>(std::size_t first) {
      std::array<std::uint32_t, kN> at;
      for (std::size_t k = 0; k < kN; ++k) at[k] = tree_starts_[first + k];
      for (std::uint32_t s = 0; s < steps_; ++s) {
        for (std::size_t k = 0; k < kN; ++k) {
          const WalkNode& n = nodes[at[k]];
          const std::uint32_t child = n.next + static_cast<std::uint32_t>(x[n.feature] > n.value);
          credit[n.feature] += std::uint32_t{n.bits} - nodes[child].bits;  // a leaf: itself, nothing
          at[k] = child;
        }
      }
      for (std::size_t k = 0; k < kN; ++k) sum += nodes[at[k]].value;
    };
    // The trees past the last group of eight go four, two and one at a time, still in tree order.
    std::size_t t = 0;
    for (; t + kLanes <= trees; t += kLanes) walk.template operator()<kLanes>(t);
    if (t + 4 <= trees) {
      walk.template operator()<4>(t);
      t += 4;
    }
    if (t + 2 <= trees) {
      walk.template operator()<2>(t);
      t += 2;
    }
    if (t < trees) walk.template operator()<1>(t);
  }
  result.score = std::exp2(-(sum / static_cast<double>(trees)) / c_psi_);

  std::uint64_t total = 0;
  for (std::size_t f = 0; f < features_; ++f) total += credit[f];
  if (out.empty() || total == 0) return result;
  std::size_t filled = 0;
  for (std::size_t f = 0; f < features_; ++f) {
    if (credit[f] == 0) continue;
    const Credit c{static_cast<std::uint32_t>(f), static_cast<double>(credit[f]) / static_cast<double>(total)};
    // Insertion into the best-first list of at most out.size() entries; ties keep the lower feature.
    std::size_t pos = filled;
    while (pos > 0 && out[pos - 1].weight < c.weight) --pos;
    if (pos >= out.size()) continue;
    const std::size_t last = std::min(filled, out.size() - 1);
    for (std::size_t k = last; k > pos; --k) out[k] = out[k - 1];
    out[pos] = c;
    filled = std::min(filled + 1, out.size());
  }
  result.count = filled;
  return result;
}

std::size_t IsolationForest::explain(std::span<const double> row, std::span<Credit> out) const {
  if (out.empty()) return 0;
  return score_and_explain(row, out).count;
}

}  // namespace nta
