#pragma once
// Service names guessed from well-known ports, in Zeek's vocabulary ("ssl", "dns", "http", ...),
// until content detection per flow says better. A static table: O(1) lookup, no allocation.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nta {

// The transports whose ports nta counts.
enum class Transport : std::uint8_t { kTcp, kUdp, kSctp };
inline constexpr std::size_t kTransportCount = 3;

// "tcp", "udp", "sctp".
[[nodiscard]] std::string_view transport_name(Transport t) noexcept;
// The transport of an IP protocol number, if it is one nta counts ports for.
[[nodiscard]] std::optional<Transport> transport_of(std::uint8_t ip_proto) noexcept;

// Dense service ids for counting: 0 is "no well-known service on this port".
using PortServiceId = std::uint8_t;
inline constexpr PortServiceId kNoService = 0;

// The whole table, [transport][port] -> id (192 KiB, built on first use), for per-packet lookups.
using PortServiceTable = std::array<std::array<PortServiceId, 65536>, kTransportCount>;
[[nodiscard]] const PortServiceTable& port_service_table() noexcept;

// The service of `port` on `transport` (kNoService when the port is not in the table).
[[nodiscard]] PortServiceId port_service_id(Transport transport, std::uint16_t port) noexcept;
// The name of an id ("" for kNoService).
[[nodiscard]] std::string_view port_service_name(PortServiceId id) noexcept;
// How many ids there are, kNoService included.
[[nodiscard]] std::size_t port_service_count() noexcept;

// The service of a packet from its ports: the destination port's, else the source port's (so both
// directions of a conversation count for the server's service).
[[nodiscard]] inline PortServiceId packet_service_id(const PortServiceTable& table, Transport transport,
                                                     std::uint16_t src_port,
                                                     std::uint16_t dst_port) noexcept {
  const auto& ports = table[static_cast<std::size_t>(transport)];
  const PortServiceId id = ports[dst_port];
  return id != kNoService ? id : ports[src_port];
}

}  // namespace nta
