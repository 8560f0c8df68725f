#pragma once
// A plain-text table: column widths from the widest cell, left- or right-aligned cells, two
// spaces between columns. For end-of-run reports (allocates freely).
#include <cstdint>
#include <string>
#include <vector>

namespace nta {

enum class Align : std::uint8_t { kLeft, kRight };

struct TextColumn {
  std::string header;
  Align align = Align::kRight;
};

class TextTable {
 public:
  explicit TextTable(std::vector<TextColumn> columns);

  // Missing cells at the end of a row are blank.
  void add_row(std::vector<std::string> cells);
  [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
  // The width of the widest line render() writes, indent included.
  [[nodiscard]] std::size_t width(std::size_t indent = 2) const;
  // Appends the header line and the rows; trailing blanks are trimmed.
  void render(std::string& out, std::size_t indent = 2) const;

 private:
  [[nodiscard]] std::vector<std::size_t> column_widths() const;

  std::vector<TextColumn> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace nta
