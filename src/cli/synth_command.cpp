// nta synth: writes a realistic, deterministic capture of benign LAN traffic to a pcap file, with
// attacks added on request and their ground truth beside it.
#include <fmt/core.h>

#include <exception>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/error.h"
#include "core/timestamp.h"
#include "synth/attack_kind.h"
#include "synth/attack_plan.h"
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
  std::string attacks;  // --attack list, empty for none
  double attack_start = -1;
  std::string truth;
};

std::string_view console_time(Timestamp t, char (&buffer)[kMaxTimestampText]) {
  return {buffer, static_cast<std::size_t>(format_console_time(t, buffer) - buffer)};
}

int run_synth(const SynthOptions& o) {
  if (o.attacks == "help") {
    fmt::print("{}", attack_kinds_help());
    return 0;
  }
  if (o.output.empty()) throw Error(ErrorKind::kUsage, "synth: --output is required");
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
  AttackOptions attack_options;
  if (!o.attacks.empty()) attack_options.kinds = parse_attack_kinds(o.attacks);
  if (o.attack_start >= 0) {
    if (o.attacks.empty()) throw Error(ErrorKind::kUsage, "--attack-start needs --attack");
    attack_options.start_seconds = o.attack_start;
  }
  const AttackPlan plan(generator, attack_options);
  PcapWriter writer(
      o.output, PcapWriterOptions{.precision = o.nanoseconds ? PcapPrecision::kNano : PcapPrecision::kMicro});
  RawPacket packet;
  while (generator.next(packet)) writer.write(packet);
  writer.close();

  const TrafficStats& s = generator.stats();
  char first[kMaxTimestampText];
  char last[kMaxTimestampText];
  fmt::print("synth: {} packets, {} flows started, {} bytes, {} .. {} ({:.3f} s) -> {}\n", s.packets,
             s.flows_started, s.bytes, console_time(s.first, first), console_time(s.last, last),
             static_cast<double>(s.last.ns - s.first.ns) / 1e9, o.output);
  for (const PlannedAttack& a : plan.attacks()) {
    const AttackTally& t = a.tally();
    if (t.packets == 0) {
      fmt::print("  attack {:<18} no packets: the run or --packets ended first\n", attack_info(a.kind).id);
      continue;
    }
    fmt::print("  attack {:<18} {:>7} packets {:>10} bytes  {} .. {}  {}\n", attack_info(a.kind).id,
               t.packets, t.bytes, console_time(Timestamp{t.first_ns}, first).substr(11),
               console_time(Timestamp{t.last_ns}, last).substr(11), a.detail);
  }
  if (!o.attacks.empty() || !o.truth.empty()) {
    const std::string path = o.truth.empty() ? default_truth_path(o.output) : o.truth;
    plan.write_truth(path);
    std::size_t written = 0;
    for (const PlannedAttack& a : plan.attacks()) written += a.tally().packets != 0 ? 1u : 0u;
    fmt::print("synth: ground truth of {} attacks -> {}\n", written, path);
  }
  return 0;
}

}  // namespace

void register_synth(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<SynthOptions>();
  CLI::App* sub = app.add_subcommand(
      "synth", "Generate a realistic, deterministic capture of benign LAN traffic, with attacks on request");
  sub->add_option("-o,--output", opts->output, "pcap file to write (classic pcap, Ethernet); required");
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
  sub->add_option("--attack", opts->attacks,
                  "add attacks: KIND[,KIND...] or 'all'; 'help' lists the kinds (docs/synth.md)");
  sub->add_option("--attack-start", opts->attack_start, "seconds into the run where the first attack starts")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--truth", opts->truth,
                  "ground-truth CSV to write (default with --attack: the capture's name with .truth.csv)");
  sub->footer(
      "Example: nta synth -o big.pcap --packets 1000000 --hosts 200 --seconds 3600\n"
      "         nta synth -o attacks.pcap --attack all   (ground truth: attacks.truth.csv)\n"
      "Traffic starts at 2024-02-19 14:30:00 UTC; see docs/synth.md for what it contains.");
  sub->callback([&run, opts] { run = [opts] { return run_synth(*opts); }; });
}

}  // namespace nta::cli
