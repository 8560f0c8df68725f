#pragma once
// The report's inline stylesheet and script (static text, no data in them).
#include <string_view>

namespace nta {

[[nodiscard]] std::string_view report_css() noexcept;
[[nodiscard]] std::string_view report_script() noexcept;

}  // namespace nta
