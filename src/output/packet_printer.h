#pragma once
// The per-packet console lines of `nta read` and `nta capture`:
//   [Packet #1]
//   Time: 2024-02-19 14:30:45.123456
//   Source: 192.168.1.100:52341
//   Destination: 142.250.80.78:443
//   Protocol: TCP
//   Length: 1420 bytes
#include <cstdint>

#include "decode/packet_view.h"
#include "output/buffered_writer.h"

namespace nta {

class PacketPrinter {
 public:
  explicit PacketPrinter(BufferedWriter& out) : out_(out) {}
  void print(std::uint64_t number, const PacketView& v);

 private:
  BufferedWriter& out_;
};

// "192.168.1.1:80", "[2001:db8::1]:443", "10.0.0.1" (no ports), a MAC for non-IP frames.
char* format_endpoint(const PacketView& v, bool source, char* out) noexcept;

}  // namespace nta
