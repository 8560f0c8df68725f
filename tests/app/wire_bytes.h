#pragma once
// A byte builder for the application-layer tests: protocol messages written field by field.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace nta::test {

class WireBytes {
 public:
  WireBytes& u8(unsigned v) {
    b_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  WireBytes& be16(unsigned v) { return u8((v >> 8) & 0xff).u8(v & 0xff); }
  WireBytes& be24(unsigned v) { return u8((v >> 16) & 0xff).be16(v & 0xffff); }
  WireBytes& raw(std::initializer_list<unsigned> bytes) {
    for (unsigned v : bytes) u8(v);
    return *this;
  }
  WireBytes& text(std::string_view s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  WireBytes& fill(std::size_t n, unsigned v) {
    b_.insert(b_.end(), n, static_cast<std::uint8_t>(v));
    return *this;
  }
  WireBytes& append(std::span<const std::uint8_t> s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  // A DNS name in wire form: labels split at '.', then the root label.
  WireBytes& dns_name(std::string_view name) {
    while (!name.empty()) {
      const std::size_t dot = name.find('.');
      const std::string_view label = name.substr(0, dot);
      u8(static_cast<unsigned>(label.size())).text(label);
      name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    }
    return u8(0);
  }
  // Patches a big-endian 16-bit value at `at`.
  WireBytes& set16(std::size_t at, std::size_t v) {
    b_[at] = static_cast<std::uint8_t>(v >> 8);
    b_[at + 1] = static_cast<std::uint8_t>(v);
    return *this;
  }
  WireBytes& set24(std::size_t at, std::size_t v) {
    b_[at] = static_cast<std::uint8_t>(v >> 16);
    return set16(at + 1, v & 0xffff);
  }
  [[nodiscard]] std::size_t size() const { return b_.size(); }
  [[nodiscard]] const std::vector<std::uint8_t>& bytes() const { return b_; }
  [[nodiscard]] std::span<const std::uint8_t> span() const { return b_; }
  [[nodiscard]] std::span<const std::uint8_t> first(std::size_t n) const {
    return std::span<const std::uint8_t>(b_).first(n);
  }

 private:
  std::vector<std::uint8_t> b_;
};

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace nta::test
