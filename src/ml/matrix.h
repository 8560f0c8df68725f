#pragma once
// Rows of doubles, the only thing the ml module sees: a borrowed row-major view, and an owning
// matrix for the callers (CSV reader, tests) that need to keep one.
#include <cstddef>
#include <span>
#include <vector>

namespace nta {

// A borrowed, row-major matrix of `rows` x `cols` doubles; the owner keeps `data` alive.
struct MatrixView {
  const double* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;

  [[nodiscard]] std::span<const double> row(std::size_t i) const noexcept { return {data + i * cols, cols}; }
};

// An owning row-major matrix.
struct Matrix {
  std::vector<double> values;  // rows * cols, row after row
  std::size_t rows = 0;
  std::size_t cols = 0;

  [[nodiscard]] MatrixView view() const noexcept { return {values.data(), rows, cols}; }
  [[nodiscard]] std::span<const double> row(std::size_t i) const noexcept { return view().row(i); }
};

}  // namespace nta
