#include "ml/csv_matrix.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace nta {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// Cells shown in messages are cut short and stripped of control bytes.
std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s.substr(0, 40))
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
  if (s.size() > 40) out += "...";
  return out;
}

// The next line of `text` from `pos` (without its '\n'), advancing `pos`.
std::string_view next_line(std::string_view text, std::size_t& pos) {
  const std::size_t end = text.find('\n', pos);
  const std::size_t stop = end == std::string_view::npos ? text.size() : end;
  std::string_view line = text.substr(pos, stop - pos);
  pos = end == std::string_view::npos ? text.size() : end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::vector<std::string> split_header(std::string_view line) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    names.emplace_back(unquote(
        line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

}  // namespace

CsvMatrix parse_numeric_csv(std::string_view text, std::string_view label_column,
                            std::string_view source_name) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorKind::kInput, fmt::format("{}: {}", source_name, why));
  };
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);  // UTF-8 byte order mark
  std::size_t pos = 0;
  std::size_t line_no = 0;
  std::string_view header;
  while (pos < text.size() && header.empty()) {
    header = trim(next_line(text, pos));
    ++line_no;
  }
  if (header.empty()) throw fail("the file is empty (a header row of column names is required)");
  const std::vector<std::string> columns = split_header(header);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].empty())
      throw fail(fmt::format("line {}: column {} of the header has no name", line_no, c + 1));
    double ignored = 0;
    const std::string& n = columns[c];
    if (std::from_chars(n.data(), n.data() + n.size(), ignored).ptr == n.data() + n.size())
      throw fail(fmt::format("line {}: the first row must be a header of column names, not numbers ('{}')",
                             line_no, printable(n)));
  }

  CsvMatrix out;
  std::size_t label_index = columns.size();
  if (!label_column.empty()) {
    const auto it = std::find(columns.begin(), columns.end(), label_column);
    if (it == columns.end())
      throw Error(ErrorKind::kUsage, fmt::format("{}: no column named '{}' for the labels", source_name,
                                                 printable(label_column)));
    label_index = static_cast<std::size_t>(it - columns.begin());
    out.label_name = std::string(label_column);
  }
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c != label_index) out.names.push_back(columns[c]);
  }
  if (out.names.empty()) throw fail("there are no feature columns besides the label");
  const std::size_t cols = columns.size();
  out.features.cols = out.names.size();
  const std::size_t estimated_rows = static_cast<std::size_t>(std::count(
                                         text.begin() + static_cast<std::ptrdiff_t>(pos), text.end(), '\n')) +
                                     1;
  out.features.values.reserve(estimated_rows * out.features.cols);
  if (label_index < cols) out.labels.reserve(estimated_rows);

  const char* const end = text.data() + text.size();
  const char* p = text.data() + pos;
  while (p < end) {
    ++line_no;
    // An empty line (or one of blanks) is skipped.
    const char* q = p;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
    if (q == end || *q == '\n') {
      p = q == end ? end : q + 1;
      continue;
    }
    for (std::size_t c = 0; c < cols; ++c) {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      if (p < end && *p == '+') ++p;  // from_chars takes no '+' sign
      double v = 0;
      const std::from_chars_result r = std::from_chars(p, end, v);
      const char* cell_end = r.ptr;
      while (cell_end < end && (*cell_end == ' ' || *cell_end == '\t')) ++cell_end;
      const bool at_separator = cell_end == end || *cell_end == ',' || *cell_end == '\n' || *cell_end == '\r';
      if (r.ec != std::errc() || !at_separator || !std::isfinite(v)) {
        if (r.ec == std::errc() && at_separator) {
          throw fail(
              fmt::format("line {}, column {} ('{}'): {} is not allowed; values must be finite numbers",
                          line_no, c + 1, columns[c], v));
        }
        const char* stop = p;
        while (stop < end && *stop != ',' && *stop != '\n') ++stop;
        const std::string_view cell(p, static_cast<std::size_t>(stop - p));
        if (trim(cell).empty())
          throw fail(fmt::format("line {}, column {} ('{}'): the cell is empty", line_no, c + 1, columns[c]));
        throw fail(fmt::format("line {}, column {} ('{}'): '{}' is not a number", line_no, c + 1, columns[c],
                               printable(trim(cell))));
      }
      p = cell_end;
      if (c == label_index) {
        if (v != 0 && v != 1)
          throw fail(fmt::format("line {}, column {} ('{}'): a label must be 0 or 1, not {}", line_no, c + 1,
                                 columns[c], v));
        out.labels.push_back(static_cast<std::uint8_t>(v));
      } else {
        out.features.values.push_back(v);
      }
      const bool last = c + 1 == cols;
      if (p < end && *p == '\r') ++p;
      if (last) {
        if (p < end && *p != '\n') {
          throw fail(fmt::format("line {}: more than the header's {} columns", line_no, cols));
        }
        if (p < end) ++p;
      } else {
        if (p == end || *p != ',') {
          throw fail(fmt::format("line {}: {} columns, the header has {}", line_no, c + 1, cols));
        }
        ++p;
      }
    }
    ++out.features.rows;
  }
  if (out.features.rows == 0) throw fail("the file has a header but no rows");
  return out;
}

namespace {

std::string read_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  std::string data;
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(f.get());
    if (size > 0) data.reserve(static_cast<std::size_t>(size));
    std::rewind(f.get());
  }
  std::string chunk(1 << 20, '\0');
  for (;;) {
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), f.get());
    data.append(chunk.data(), n);
    if (n < chunk.size()) break;
  }
  if (std::ferror(f.get())) throw Error(ErrorKind::kIo, fmt::format("cannot read '{}'", path));
  return data;
}

}  // namespace

CsvMatrix read_numeric_csv(const std::string& path, std::string_view label_column) {
  return parse_numeric_csv(read_file(path), label_column, path);
}

std::vector<std::string> read_csv_header(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  std::string line;
  for (int c = std::fgetc(f.get()); c != EOF && c != '\n'; c = std::fgetc(f.get())) {
    line.push_back(static_cast<char>(c));
    if (line.size() > (1U << 24)) break;
  }
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  if (trim(line).empty()) return {};
  return split_header(trim(line));
}

}  // namespace nta
