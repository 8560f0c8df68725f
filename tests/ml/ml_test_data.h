#pragma once
// Deterministic data sets for the ml tests: Gaussian inliers around the origin and far outliers.
#include <cmath>
#include <cstdint>
#include <vector>

#include "ml/matrix.h"

namespace nta::test {

// A tiny generator of its own so the data do not depend on the forest's random numbers.
class TestRng {
 public:
  explicit TestRng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    s_ ^= s_ << 13U;
    s_ ^= s_ >> 7U;
    s_ ^= s_ << 17U;
    return s_;
  }
  double uniform() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  double normal() {  // Box-Muller
    const double u = uniform() + 1e-12;
    const double v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

 private:
  std::uint64_t s_;
};

// `rows` x `cols` standard normal inliers.
inline Matrix gaussian_blob(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  TestRng rng(seed);
  Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.values.resize(rows * cols);
  for (double& v : m.values) v = rng.normal();
  return m;
}

}  // namespace nta::test
