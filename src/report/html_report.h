#pragma once
// The HTML report of `nta analyze --report FILE`: one self-contained page (inline CSS, inline SVG
// charts, a small inline script that only enhances the server-rendered tables) that loads nothing
// from anywhere: a Content-Security-Policy of default-src 'none' says so to the browser too.
// Sections and caps: docs/report.md.
#include <cstddef>
#include <string>

#include "report/report_input.h"

namespace nta {

[[nodiscard]] std::string render_html_report(const ReportInput& in, const ReportLimits& limits = {});

// Renders and writes atomically: a temporary file beside `path`, then a rename, so a reader never
// sees half a report. Returns the bytes written. Throws nta::Error(kIo) naming the file when it
// cannot be written.
std::size_t write_html_report(const std::string& path, const ReportInput& in, const ReportLimits& limits = {});

}  // namespace nta
