#include "output/text_table.h"

#include <algorithm>

namespace nta {

TextTable::TextTable(std::vector<TextColumn> columns) : columns_(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::vector<std::size_t> TextTable::column_widths() const {
  std::vector<std::size_t> widths(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = columns_[c].header.size();
    for (const auto& row : rows_) widths[c] = std::max(widths[c], row[c].size());
  }
  return widths;
}

std::size_t TextTable::width(std::size_t indent) const {
  const auto widths = column_widths();
  std::size_t w = indent;
  for (std::size_t c = 0; c < widths.size(); ++c) w += widths[c] + (c > 0 ? 2 : 0);
  return w;
}

void TextTable::render(std::string& out, std::size_t indent) const {
  const auto widths = column_widths();
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s(indent, ' ');
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) s += "  ";
      const std::string& cell = cells[c];
      const std::size_t pad = widths[c] - cell.size();
      if (columns_[c].align == Align::kRight) s.append(pad, ' ');
      s += cell;
      if (columns_[c].align == Align::kLeft) s.append(pad, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out += s;
    out += '\n';
  };
  std::vector<std::string> header;
  header.reserve(columns_.size());
  for (const TextColumn& c : columns_) header.push_back(c.header);
  line(header);
  for (const auto& row : rows_) line(row);
}

}  // namespace nta
