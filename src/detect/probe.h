#pragma once
// What the first packet of a flow says about its sender's intent, as the scan detectors see it.
#include <cstdint>

namespace nta {

enum class ProbeKind : std::uint8_t {
  kSyn,       // TCP SYN without ACK: a connection attempt (SYN or connect scan)
  kStealth,   // TCP without SYN, ACK or RST: FIN, NULL or Xmas probes
  kAck,       // TCP bare ACK opening a flow: an ACK ping (or a connection seen mid-stream)
  kUdp,       // a UDP datagram opening a flow
  kIcmpEcho,  // ICMP/ICMPv6 echo (or timestamp, address mask) request
  kArp,       // ARP request
};

}  // namespace nta
