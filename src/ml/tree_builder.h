#pragma once
// Grows one isolation tree (module-internal; IsolationForest::fit calls it once per tree).
#include <cstdint>
#include <vector>

#include "ml/isolation_forest.h"
#include "ml/matrix.h"

namespace nta {

struct GrownTree {
  std::vector<ForestNode> nodes;  // node 0 is the root; `next` indices are local to this tree
  std::vector<std::uint32_t> sizes;
};

// Grows tree `tree_index` of a forest: draws `sample_size` distinct rows of `x` and splits them until
// `height_limit`, a single row, or rows equal in every feature. `leaf_feature` marks a leaf.
[[nodiscard]] GrownTree grow_tree(MatrixView x, std::uint32_t sample_size, std::uint32_t height_limit,
                                  std::uint64_t seed, std::uint64_t tree_index);

}  // namespace nta
