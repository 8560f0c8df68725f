#pragma once
// A set of port numbers as sorted, merged ranges: nmap's "1,3-4,6-7" lists (scaninfo services,
// extrareasons ports) read once, then looked up by binary search.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nta {

struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

class PortSet {
 public:
  PortSet() = default;
  // "22,80,1000-1010" (nmap's form: numbers and ranges, comma-separated, no spaces).
  // nullopt when the text is not such a list.
  static std::optional<PortSet> parse(std::string_view text);

  void add(std::uint16_t first, std::uint16_t last);
  [[nodiscard]] bool contains(std::uint16_t port) const noexcept;
  [[nodiscard]] bool empty() const noexcept { return ranges_.empty(); }
  [[nodiscard]] std::uint32_t count() const noexcept;
  [[nodiscard]] const std::vector<PortRange>& ranges() const noexcept { return ranges_; }
  // Back to the compact text form.
  [[nodiscard]] std::string to_string() const;

 private:
  std::vector<PortRange> ranges_;  // sorted, non-overlapping, non-adjacent
};

}  // namespace nta
