#pragma once
// A set of TCP/UDP port numbers, one bit each: "22, 3389, 5900-5903".
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

namespace nta {

class PortBitmap {
 public:
  // Parses a comma-separated list of ports and ranges (a-b); false with `error` set otherwise.
  static bool parse(std::string_view text, PortBitmap& out, std::string& error);

  [[nodiscard]] bool contains(std::uint16_t port) const noexcept { return bits_.test(port); }
  void insert(std::uint16_t port) noexcept { bits_.set(port); }
  [[nodiscard]] bool empty() const noexcept { return bits_.none(); }
  // The list with ranges folded, as parse() reads it.
  [[nodiscard]] std::string to_string() const;

 private:
  std::bitset<65536> bits_;
};

}  // namespace nta
