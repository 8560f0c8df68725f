// nta synth: writes a realistic, deterministic capture of benign LAN traffic to a pcap file.
#include <fmt/core.h>

#include <exception>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/error.h"
#include "core/timestamp.h"
#include "synth/pcap_writer.h"
#include "synth/traffic_generator.h"

namespace nta::cli {
namespace {

struct SynthOptions {
  std::string output;
  double seconds = 60.0;
  std::uint32_t hosts = 10;
  std::uint64_t seed = 1;
  std::uint64_t packets = 0;
  bool nanoseconds = false;
};

int run_synth(const SynthOptions& o) {
  if (o.hosts < 1 || o.hosts > 60000) {
    throw Error(ErrorKind::kUsage, fmt::format("--hosts must be 1..60000, not {}", o.hosts));
  }
  if (!(o.seconds > 0))
    throw Error(ErrorKind::kUsage, fmt::format("--seconds must be above 0, not {}", o.seconds));

  TrafficConfig config;
  config.seconds = o.seconds;
  config.hosts = o.hosts;
  config.seed = o.seed;
  config.max_packets = o.packets;
  TrafficGenerator generator(config);
  PcapWriter writer(
      o.output, PcapWriterOptions{.precision = o.nanoseconds ? PcapPrecision::kNano : PcapPrecision::kMicro});
  RawPacket packet;
  while (generator.next(packet)) writer.write(packet);
  writer.close();

  const TrafficStats& s = generator.stats();
  char first[kMaxTimestampText];
  char last[kMaxTimestampText];
  const std::string_view first_text(first,
                                    static_cast<std::size_t>(format_console_time(s.first, first) - first));
  const std::string_view last_text(last, static_cast<std::size_t>(format_console_time(s.last, last) - last));
  fmt::print("synth: {} packets, {} flows started, {} bytes, {} .. {} ({:.3f} s) -> {}\n", s.packets,
             s.flows_started, s.bytes, first_text, last_text,
             static_cast<double>(s.last.ns - s.first.ns) / 1e9, o.output);
  return 0;
}

}  // namespace

void register_synth(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<SynthOptions>();
  CLI::App* sub =
      app.add_subcommand("synth", "Generate a realistic, deterministic capture of benign LAN traffic");
  sub->add_option("-o,--output", opts->output, "pcap file to write (classic pcap, Ethernet)")->required();
  sub->add_option("--seconds", opts->seconds, "span of packet time to generate, in seconds")
      ->capture_default_str()
      ->check([](const std::string& text) -> std::string {
        // CLI11's PositiveNumber names the largest double in its message; say it plainly.
        try {
          if (std::stod(text) > 0) return {};
        } catch (const std::exception&) {
          return "must be a number above 0, not '" + text + "'";
        }
        return "must be above 0, not " + text;
      });
  sub->add_option("--hosts", opts->hosts, "client hosts on the LAN (192.168.1.0/24 and up)")
      ->capture_default_str()
      ->check(CLI::Range(1, 60000));
  sub->add_option("--seed", opts->seed, "random seed: the same seed gives a byte-identical file")
      ->capture_default_str();
  sub->add_option("--packets", opts->packets, "stop after this many packets (0 = no limit)")
      ->capture_default_str();
  sub->add_flag("--nanoseconds", opts->nanoseconds, "write nanosecond timestamps (default: microseconds)");
  sub->footer(
      "Example: nta synth -o big.pcap --packets 1000000 --hosts 200 --seconds 3600\n"
      "Traffic starts at 2024-02-19 14:30:00 UTC; see docs/synth.md for what it contains.");
  sub->callback([&run, opts] { run = [opts] { return run_synth(*opts); }; });
}

}  // namespace nta::cli
