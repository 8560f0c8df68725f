#include "report/svg_chart.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "report/html_escape.h"

namespace nta {
namespace {

void open_svg(std::string& out, double kWidth, double height, std::string_view title, std::string_view css) {
  out += fmt::format(R"(<svg class="chart {}" viewBox="0 0 {} {}" role="img"><title>)",
                     css, kWidth, height);
  append_html_text(out, title);
  out += "</title>";
}

void mark_title(std::string& out, std::string_view label, std::string_view value) {
  out += "<title>";
  append_html_text(out, label);
  out += ": ";
  append_html_text(out, value);
  out += "</title>";
}

std::string fixed(double v) { return fmt::format("{:.1f}", v); }

// A round number at or above v, so the axis reads well.
double nice_ceiling(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

void axis_text(std::string& out, double x, double y, std::string_view anchor, std::string_view text) {
  out += fmt::format(R"(<text class="axis" x="{}" y="{}" text-anchor="{}">)", fixed(x), fixed(y), anchor);
  append_html_text(out, text);
  out += "</text>";
}

}  // namespace

std::string short_number(double v) {
  const double a = std::fabs(v);
  // Three significant digits at most, no trailing zeros: "2.5M", "100M", "12.3k".
  if (a >= 1e12) return fmt::format("{:.3g}T", v / 1e12);
  if (a >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (a >= 1e3) return fmt::format("{:.3g}k", v / 1e3);
  if (a == std::floor(a)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.2g}", v);
}

std::string svg_bar_chart(std::string_view title, const std::vector<ChartBar>& bars, double kWidth) {
  constexpr double kRow = 22, kValue = 90, kTop = 4;
  const double kLabel = std::min(230.0, kWidth * 0.3);
  const double height = kTop * 2 + kRow * static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  double max = 0;
  for (const ChartBar& b : bars) max = std::max(max, b.value);
  std::string out;
  open_svg(out, kWidth, height, title, "bars");
  const double span = kWidth - kLabel - kValue;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& b = bars[i];
    const double y = kTop + kRow * static_cast<double>(i);
    const double w = max > 0 ? std::max(1.0, span * b.value / max) : 0;
    out += fmt::format(R"(<text class="label" x="{}" y="{}" text-anchor="end">)", fixed(kLabel - 8), fixed(y + 15));
    // Long labels are cut for the drawing; the mark's title keeps the whole text.
    const std::string_view shown = std::string_view(b.label).substr(0, 34);
    append_html_text(out, shown);
    if (shown.size() < b.label.size()) out += "\xE2\x80\xA6";
    out += "</text>";
    out += fmt::format(R"(<rect class="mark {}" x="{}" y="{}" width="{}" height="{}" rx="2">)", b.css_class,
                       fixed(kLabel), fixed(y + 3), fixed(w), fixed(kRow - 6));
    mark_title(out, b.label, b.value_text);
    out += "</rect>";
    out += fmt::format(R"(<text class="value" x="{}" y="{}">)", fixed(kLabel + w + 6), fixed(y + 15));
    append_html_text(out, b.value_text);
    out += "</text>";
  }
  out += "</svg>";
  return out;
}

std::string svg_column_chart(const ColumnChart& c) {
  constexpr double kHeight = 220, kLeft = 56, kRight = 12, kTop = 10, kBottom = 40;
  const double kWidth = c.width;
  double max = 0;
  for (const std::vector<double>& col : c.columns) {
    double sum = 0;
    for (double v : col) sum += v;
    max = std::max(max, sum);
  }
  const double top = nice_ceiling(max);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string out;
  open_svg(out, kWidth, kHeight, c.title, "columns");
  // Grid: 0, half, top.
  for (int g = 0; g <= 2; ++g) {
    const double y = kTop + plot_h - plot_h * g / 2.0;
    out += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>)", fixed(kLeft), fixed(kWidth - kRight),
                       fixed(y), fixed(y));
    axis_text(out, kLeft - 6, y + 4, "end", short_number(top * g / 2.0));
  }
  const std::size_t n = c.columns.size();
  const double step = n > 0 ? plot_w / static_cast<double>(n) : plot_w;
  const double gap = step > 4 ? std::min(2.0, step * 0.15) : 0;
  for (std::size_t i = 0; i < n; ++i) {
    double base = 0;
    const double x = kLeft + step * static_cast<double>(i);
    for (std::size_t l = 0; l < c.columns[i].size() && l < c.layers.size(); ++l) {
      const double v = c.columns[i][l];
      if (!(v > 0)) continue;
      const double y0 = kTop + plot_h - plot_h * base / top;
      const double h = plot_h * v / top;
      out += fmt::format(R"(<rect class="mark {}" x="{}" y="{}" width="{}" height="{}">)", c.layers[l].css_class,
                         fixed(x + gap / 2), fixed(y0 - h), fixed(std::max(0.5, step - gap)), fixed(h));
      std::string label = i < c.column_labels.size() ? c.column_labels[i] : std::to_string(i + 1);
      if (c.layers.size() > 1) label += " " + c.layers[l].name;
      mark_title(out, label, fmt::format("{} {}", short_number(v), c.unit));
      out += "</rect>";
      base += v;
    }
  }
  if (!c.ticks.empty()) {
    for (std::size_t i = 0; i < n && i < c.ticks.size(); ++i) {
      axis_text(out, kLeft + step * (static_cast<double>(i) + 0.5), kHeight - kBottom + 16, "middle", c.ticks[i]);
    }
  } else {
    axis_text(out, kLeft, kHeight - kBottom + 16, "start", c.x_first);
    axis_text(out, kWidth - kRight, kHeight - kBottom + 16, "end", c.x_last);
  }
  if (c.layers.size() > 1) {
    double x = kLeft;
    for (const ChartLayer& l : c.layers) {
      out += fmt::format(R"(<rect class="{}" x="{}" y="{}" width="10" height="10" rx="2"/>)", l.css_class, fixed(x),
                         fixed(kHeight - 14));
      out += fmt::format(R"(<text class="axis" x="{}" y="{}">)", fixed(x + 14), fixed(kHeight - 5));
      append_html_text(out, l.name);
      out += "</text>";
      x += 24 + 7.0 * static_cast<double>(l.name.size());
    }
  }
  out += "</svg>";
  return out;
}

std::string svg_area_chart(const AreaChart& c) {
  constexpr double kHeight = 220, kLeft = 56, kRight = 12, kTop = 10, kBottom = 26;
  const double kWidth = c.width;
  double max = 0;
  for (double v : c.values) max = std::max(max, v);
  const double top = nice_ceiling(max);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string out;
  open_svg(out, kWidth, kHeight, c.title, "area");
  for (int g = 0; g <= 2; ++g) {
    const double y = kTop + plot_h - plot_h * g / 2.0;
    out += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>)", fixed(kLeft), fixed(kWidth - kRight),
                       fixed(y), fixed(y));
    axis_text(out, kLeft - 6, y + 4, "end", short_number(top * g / 2.0));
  }
  const std::size_t n = c.values.size();
  if (n > 0) {
    const double step = n > 1 ? plot_w / static_cast<double>(n - 1) : 0;
    std::string line;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = kLeft + step * static_cast<double>(i);
      const double y = kTop + plot_h - plot_h * std::max(0.0, c.values[i]) / top;
      line += fmt::format("{}{} {}", i == 0 ? "M" : " L", fixed(x), fixed(y));
    }
    const double last_x = kLeft + step * static_cast<double>(n - 1);
    out += fmt::format(R"(<path class="fill {}" d="{} L{} {} L{} {} Z"/>)", c.css_class, line, fixed(last_x),
                       fixed(kTop + plot_h), fixed(kLeft), fixed(kTop + plot_h));
    out += fmt::format(R"(<path class="line {}" data-points="{}" d="{}"><title>)", c.css_class, n, line);
    append_html_text(out, fmt::format("{}: peak {} {}", c.title, short_number(max), c.unit));
    out += "</title></path>";
  }
  axis_text(out, kLeft, kHeight - 8, "start", c.x_first);
  axis_text(out, kWidth - kRight, kHeight - 8, "end", c.x_last);
  out += "</svg>";
  return out;
}

}  // namespace nta
