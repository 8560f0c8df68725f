#pragma once
// Where packets come from: capture files (pcap, pcapng, standard input) and live interfaces, all
// read through libpcap. libpcap stays private to this module; callers see RawPacket only.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/raw_packet.h"

namespace nta {

enum class NextResult {
  kPacket,   // `out` holds a packet, valid until the next call
  kTimeout,  // live capture: nothing arrived within the read timeout; call again
  kEnd,      // end of file, or the capture was interrupted
  kError,    // the input failed (damaged file, interface gone); see error()
};

// Kernel counters of a live capture (pcap_stats); absent for files.
struct CaptureCounters {
  std::uint64_t received = 0;
  std::uint64_t dropped_by_kernel = 0;
  std::uint64_t dropped_by_interface = 0;
};

struct LiveOptions {
  std::string interface;  // empty: the first interface that is up and not loopback
  int snaplen = 262144;
  bool promiscuous = true;
  int timeout_ms = 200;  // how long a read may wait; bounds the reaction time to Ctrl-C
  int buffer_bytes = 8 * 1024 * 1024;
};

class PacketSource {
 public:
  // Opens a pcap or pcapng file; "-" reads standard input. Throws nta::Error on failure.
  static std::unique_ptr<PacketSource> open_file(const std::string& path);
  // Opens a live interface. Throws nta::Error (kPermission, kNotFound, kIo) on failure.
  static std::unique_ptr<PacketSource> open_live(const LiveOptions& options);

  virtual ~PacketSource() = default;
  PacketSource(const PacketSource&) = delete;
  PacketSource& operator=(const PacketSource&) = delete;

  virtual NextResult next(RawPacket& out) = 0;
  // Applies a BPF filter; throws nta::Error(kUsage) naming the bad expression.
  virtual void set_filter(const std::string& expression) = 0;
  // Starts writing every packet next() returns to a pcap file (the raw bytes, unchanged).
  virtual void write_to(const std::string& path) = 0;
  virtual void flush_written() = 0;
  // Safe to call from a signal handler: makes a blocked next() return kEnd soon.
  virtual void interrupt() noexcept = 0;

  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual LinkType link_type() const noexcept = 0;
  [[nodiscard]] virtual std::string_view link_type_name() const noexcept = 0;
  [[nodiscard]] virtual bool is_live() const noexcept = 0;
  [[nodiscard]] virtual const std::string& error() const noexcept = 0;
  [[nodiscard]] virtual std::optional<CaptureCounters> counters() = 0;
  // Files: the bytes of the file consumed so far (for a progress display). Absent for standard
  // input and live captures.
  [[nodiscard]] virtual std::optional<std::uint64_t> read_position() const noexcept { return std::nullopt; }

 protected:
  PacketSource() = default;
};

struct InterfaceInfo {
  std::string name;
  std::string description;
  std::vector<std::string> addresses;
  bool up = false;
  bool running = false;
  bool loopback = false;
  bool wireless = false;
};

// All interfaces libpcap can capture on. Throws nta::Error(kIo) if libpcap cannot list them.
std::vector<InterfaceInfo> list_interfaces();

// The interface `nta capture` uses without -i: the first that is up and not loopback.
std::optional<std::string> default_interface();

// Gives up root after the capture is open (tcpdump's -Z). Throws nta::Error on failure.
void drop_privileges(const std::string& user);

}  // namespace nta
