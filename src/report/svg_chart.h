#pragma once
// Inline SVG charts for the HTML report, drawn by nta (no chart library, no external resource).
// Output is deterministic: the same input gives the same bytes. Each chart is an <svg role="img">
// with a <title> naming it, and every mark (bar, column segment) carries class "mark" and its own
// <title> with its label and value, which browsers show on hover and screen readers read. Colours
// come from CSS classes the page defines, so light, dark and print modes restyle the charts.
#include <string>
#include <string_view>
#include <vector>

namespace nta {

struct ChartBar {
  std::string label;       // wire text allowed: escaped when written
  double value = 0;
  std::string value_text;  // shown beside the bar and in its title
  std::string css_class = "c0";
};

// Horizontal bars, one row per item, in the given order; the longest bar is the largest value.
// `width` is the viewBox width: the page scales the chart to its column, so a chart meant for a
// half-width column uses a smaller width to keep its text the same size as a full-width one.
[[nodiscard]] std::string svg_bar_chart(std::string_view title, const std::vector<ChartBar>& bars, double width = 720);

struct ChartLayer {
  std::string name;  // legend text
  std::string css_class;
};

struct ColumnChart {
  std::string title;
  std::vector<ChartLayer> layers;            // bottom to top
  std::vector<std::vector<double>> columns;  // columns[i][layer]
  std::vector<std::string> column_labels;    // per column, for the marks' titles
  std::string x_first, x_last;               // axis text under the first and last column ...
  std::vector<std::string> ticks;            // ... or, when given, one text under each column
  std::string unit;                          // of the values, e.g. "alerts", "flows"
  double width = 720;
};

// Vertical columns, each a stack of its layers (a histogram is one layer). A mark is drawn for each
// non-zero segment.
[[nodiscard]] std::string svg_column_chart(const ColumnChart& c);

struct AreaChart {
  std::string title;
  std::vector<double> values;  // equally spaced in x
  std::string x_first, x_last;
  std::string unit;            // e.g. "bit/s"
  std::string css_class = "c0";
  double width = 720;
};

// A filled line over equally spaced points: one <path class="line" data-points="N">.
[[nodiscard]] std::string svg_area_chart(const AreaChart& c);

// 1234567 -> "1.2M"; for axis labels.
[[nodiscard]] std::string short_number(double v);

}  // namespace nta
