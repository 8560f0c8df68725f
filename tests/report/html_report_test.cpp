#include "report/html_report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nta {
namespace {

const char* const kHostile[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "x\xE2\x80\xA8y",
};

ReportInput sample_input() {
  ReportInput in;
  in.inputs = {"capture.pcap"};
  in.generated_by = "nta analyze";
  in.first_time = "2024-01-01 00:00:00";
  in.last_time = "2024-01-01 00:10:00";
  in.duration_seconds = 600;
  in.packets = 1000;
  in.bytes = 500000;
  in.flows = 40;
  in.hosts = 5;
  in.protocols = {{"TCP", 700, 400000}, {"UDP", 300, 100000}};
  in.throughput.start_seconds = 1704067200;
  in.throughput.bucket_seconds = 1;
  for (int i = 0; i < 600; ++i) {
    in.throughput.bytes.push_back(i);
    in.throughput.packets.push_back(1);
  }
  in.packet_sizes = {{"0-63", 10, 600}, {"64-127", 20, 2000}};
  in.talkers = {{"10.0.0.1", 1, 2, 3, 4}};
  in.ports = {{"tcp/80 (http)", 7, 8}};
  in.conversations = {{"10.0.0.1", "10.0.0.2", 10, 20, 5}};
  in.names = {{"HTTP hosts", {{kHostile[0], 3}, {kHostile[1], 1}}, 2, false}};
  in.detection = true;
  for (int i = 0; i < 30; ++i) {
    ReportAlert a;
    a.ts_ns = 1704067200'000'000'000 + i * 1'000'000'000LL;
    a.time = "t" + std::to_string(i);
    a.severity = i % 4;
    a.detector = "port_scan";
    a.src = "10.0.0.1";
    a.dest = "10.0.0.2";
    a.summary = kHostile[i % 4];
    a.evidence = std::string("host=") + kHostile[(i + 1) % 4];
    in.alerts.push_back(a);
    ++in.alerts_by_severity[static_cast<std::size_t>(a.severity)];
  }
  in.alerts_raised = 30;
  in.alert_groups = {{"port_scan", {8, 8, 7, 7}}};
  in.threats = {{"10.0.0.1", 87.5, "attacker", 30, {8, 8, 7, 7}, {kHostile[1], "port_scan x30"}}};
  in.anomaly = true;
  in.model = "model.json";
  in.threshold = 0.62;
  in.flows_scored = 40;
  in.flows_flagged = 2;
  in.score_histogram.assign(20, 0);
  in.score_histogram[9] = 30;
  in.score_histogram[14] = 10;
  in.anomalous_flows = {{0.81, "C1", "10.0.0.1:1", "10.0.0.2:80", "tcp", kHostile[0], {"conn_rate = 9 (40%)"}}};
  return in;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(HtmlReport, HasEverySection) {
  const std::string html = render_html_report(sample_input());
  for (const char* id : {"overview", "protocols", "throughput", "sizes", "talkers", "ports", "conversations", "names",
                         "alerts", "threats", "anomalies"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("@media (prefers-color-scheme:dark)"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"alert\""), 30u);
}

TEST(HtmlReport, MakesNoRequests) {
  const std::string html = render_html_report(sample_input());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  // Every src or href is a same-page anchor.
  // The renderer writes every attribute as name="value", and escaped text holds no '"', so these
  // spellings find every reference.
  std::size_t refs = 0;
  for (const std::string attr : {" src=\"", " href=\"", " action=\""}) {
    for (std::size_t at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1)) {
      const std::size_t v = at + attr.size();
      ++refs;
      EXPECT_EQ(html[v], '#') << html.substr(at, 60);
    }
  }
  EXPECT_GT(refs, 5u);
}

TEST(HtmlReport, WireStringsNeverAppearUnescaped) {
  const std::string html = render_html_report(sample_input());
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // Only the page's own two script elements open.
  EXPECT_EQ(count(html, "<script"), 2u);
  EXPECT_EQ(count(html, "</script>"), 2u);
}

TEST(HtmlReport, CapsTheAlertTable) {
  ReportInput in = sample_input();
  ReportLimits limits;
  limits.alert_rows = 10;
  const std::string html = render_html_report(in, limits);
  EXPECT_EQ(count(html, "<tr class=\"alert\""), 10u);
  // The most severe come first: all ten rows shown are critical or high (30 alerts, 7 critical).
  EXPECT_EQ(count(html, "<tr class=\"alert\" data-sev=\"3\""), 7u);
  EXPECT_EQ(count(html, "<tr class=\"alert\" data-sev=\"2\""), 3u);
  EXPECT_NE(html.find("the table lists the 10 most severe"), std::string::npos);
}

// 10,000 alerts with long evidence and 10,000 scored hosts: the table and ranking are capped, so the
// page stays well under the few megabytes a browser opens comfortably.
TEST(HtmlReport, ManyAlertsStayCompact) {
  ReportInput in = sample_input();
  in.alerts.clear();
  in.threats.clear();
  for (int i = 0; i < 10'000; ++i) {
    ReportAlert a;
    a.ts_ns = 1704067200'000'000'000 + i * 1'000'000LL;
    a.time = "2024-01-01 00:00:00.000000";
    a.severity = i % 4;
    a.detector = "port_scan";
    a.src = "10.0.0.1";
    a.dest = "10.0.0.2";
    a.summary = "port scan of 10.0.0.2 from 10.0.0.1: 100 ports probed (SYN), 0 answered, in 0.1 s";
    a.evidence = std::string(400, 'e');
    in.alerts.push_back(a);
    in.threats.push_back({"10.0.0." + std::to_string(i % 250), 50, "attacker", 1, {1, 0, 0, 0}, {"r1", "r2"}});
  }
  in.throughput.bytes.assign(65536, 1000);
  in.throughput.packets.assign(65536, 10);
  const std::string html = render_html_report(in);
  EXPECT_EQ(count(html, "<tr class=\"alert\""), 1000u);
  EXPECT_LT(html.size(), 1'500'000u);
  EXPECT_EQ(count(html, "data-points=\"720\""), 0u);  // 65536 buckets merged by 92 -> 713 points
  EXPECT_EQ(count(html, "data-points=\"713\""), 2u);
  EXPECT_NE(html.find("The 100 highest of 10,000 hosts"), std::string::npos);
}

TEST(HtmlReport, ThroughputIsMergedToTheLimit) {
  ReportLimits limits;
  limits.throughput_points = 100;
  const std::string html = render_html_report(sample_input(), limits);
  EXPECT_EQ(count(html, "data-points=\"100\""), 2u);  // bits and packets
}

TEST(HtmlReport, EmptyInputStillRenders) {
  ReportInput in;
  in.input_error = "'x.pcap': truncated <record>";
  const std::string html = render_html_report(in);
  EXPECT_NE(html.find("input failed partway"), std::string::npos);
  EXPECT_NE(html.find("truncated &lt;record&gt;"), std::string::npos);
  EXPECT_NE(html.find("Detection did not run"), std::string::npos);
}

TEST(HtmlReport, WritesAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / ("nta_report_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "r.html").string();
  write_html_report(path, sample_input());
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), render_html_report(sample_input()));
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);  // no temporary left behind
  EXPECT_THROW(write_html_report((dir / "missing" / "r.html").string(), sample_input()), std::exception);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nta
