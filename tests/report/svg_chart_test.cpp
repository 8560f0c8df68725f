#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include <string>

namespace nta {
namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChart, BarChartDrawsOneMarkPerBarAndScalesToTheLargest) {
  const std::vector<ChartBar> bars = {{"tcp", 100, "100", "c0"}, {"udp", 50, "50", "c1"}, {"icmp", 0, "0", "c2"}};
  const std::string svg = svg_bar_chart("Protocols", bars);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_EQ(count(svg, "class=\"mark "), 3u);
  EXPECT_NE(svg.find("<title>Protocols</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>udp: 50</title>"), std::string::npos);
  // The largest bar spans the plot (720 - 0.3 * 720 - 90 = 414), half the value half the width.
  EXPECT_NE(svg.find("width=\"414.0\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"207.0\""), std::string::npos);
  EXPECT_EQ(svg, svg_bar_chart("Protocols", bars));  // deterministic
}

TEST(SvgChart, BarLabelsAreEscaped) {
  const std::string svg = svg_bar_chart("<b>", {{"<script>alert(1)</script>", 1, "1", "c0"}});
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(SvgChart, ColumnChartMarksEveryNonZeroSegment) {
  ColumnChart c;
  c.title = "Alerts";
  c.layers = {{"low", "sev0"}, {"high", "sev2"}};
  c.columns = {{1, 2}, {0, 0}, {3, 0}, {0, 4}};
  c.unit = "alerts";
  const std::string svg = svg_column_chart(c);
  EXPECT_EQ(count(svg, "class=\"mark sev0\""), 2u);
  EXPECT_EQ(count(svg, "class=\"mark sev2\""), 2u);
  EXPECT_EQ(count(svg, "class=\"mark "), 4u);
  c.ticks = {"a", "b", "c", "d"};
  EXPECT_EQ(count(svg_column_chart(c), "text-anchor=\"middle\""), 4u);
}

TEST(SvgChart, AreaChartHasOnePointPerValue) {
  AreaChart a;
  a.title = "Throughput";
  a.values = {1, 5, 3, 0, 8};
  a.unit = "bit/s";
  const std::string svg = svg_area_chart(a);
  EXPECT_NE(svg.find("data-points=\"5\""), std::string::npos);
  // The line path: one M and four L.
  const std::size_t d = svg.find("d=\"", svg.find("class=\"line"));
  const std::string path = svg.substr(d, svg.find('"', d + 3) - d);
  EXPECT_EQ(count(path, "M"), 1u);
  EXPECT_EQ(count(path, " L"), 4u);
}

TEST(SvgChart, ShortNumbers) {
  EXPECT_EQ(short_number(0), "0");
  EXPECT_EQ(short_number(950), "950");
  EXPECT_EQ(short_number(1500), "1.5k");
  EXPECT_EQ(short_number(2'500'000), "2.5M");
  EXPECT_EQ(short_number(3e9), "3G");
  EXPECT_EQ(short_number(1e8), "100M");
}

}  // namespace
}  // namespace nta
