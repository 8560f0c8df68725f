// nta stats: traffic statistics over capture files, as tables or one JSON document (--json).
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "capture/packet_source.h"
#include "cli/command.h"
#include "core/error.h"
#include "decode/decoder.h"
#include "output/buffered_writer.h"
#include "output/progress_bar.h"
#include "output/stats_json.h"
#include "output/stats_printer.h"
#include "pipeline/stop_signal.h"
#include "stats/traffic_stats.h"

namespace nta::cli {
namespace {

struct StatsOptions {
  std::vector<std::string> files;
  std::vector<std::string> filter_words;  // trailing arguments, joined into one BPF expression
  std::string filter_flag;                // -f
  std::uint64_t count = 0;
  std::size_t top = 10;
  bool json = false;
  bool no_progress = false;
};

std::string filter_of(const StatsOptions& o) {
  std::string joined;
  for (const std::string& w : o.filter_words) {
    if (!joined.empty()) joined += ' ';
    joined += w;
  }
  if (!joined.empty() && !o.filter_flag.empty()) {
    throw Error(ErrorKind::kUsage, "give the filter either with -f or as trailing arguments, not both");
  }
  return joined.empty() ? o.filter_flag : joined;
}

int run_stats(const StatsOptions& o) {
  install_stop_handlers();
  clear_stop_request();
  StatsContext ctx;
  ctx.filter = filter_of(o);
  ctx.top = o.top;
  TrafficStats stats;
  FileProgress progress(o.no_progress ? std::vector<std::string>{} : o.files, false);
  std::string failure;
  ErrorKind failure_kind = ErrorKind::kInput;
  std::uint64_t number = 0;
  bool count_reached = false;
  RawPacket raw;
  PacketView view;

  for (const std::string& file : o.files) {
    if (stop_requested() || count_reached) break;
    std::unique_ptr<PacketSource> source;
    try {
      source = PacketSource::open_file(file);
      if (!ctx.filter.empty()) source->set_filter(ctx.filter);
    } catch (const Error& e) {
      // A later file that cannot be opened must not lose what the earlier ones gave.
      if (ctx.inputs.empty() || e.kind() == ErrorKind::kUsage) throw;
      failure = e.what();
      failure_kind = e.kind();
      break;
    }
    ActiveSourceGuard active(source.get());
    ctx.inputs.push_back({std::string(source->name()), std::string(source->link_type_name())});
    progress.next_file();
    for (;;) {
      if (stop_requested()) {
        ctx.interrupted = true;
        break;
      }
      const NextResult r = source->next(raw);
      if (r == NextResult::kPacket) {
        decode(raw, view);
        stats.add(view);
        progress.tick([&] { return source->read_position().value_or(0); });
        if (o.count != 0 && ++number >= o.count) {
          count_reached = true;
          break;
        }
        continue;
      }
      if (r == NextResult::kTimeout) continue;
      if (r == NextResult::kEnd) {
        if (stop_requested()) ctx.interrupted = true;
        break;
      }
      failure = fmt::format("'{}': {} (after {} packets)", source->name(), source->error(), stats.packets());
      break;
    }
    if (!failure.empty()) break;
  }
  progress.finish();
  ctx.input_error = failure;

  BufferedWriter out("-");
  if (o.json) {
    out.append(stats_json(stats, ctx));
    out.flush();
  } else {
    print_stats(out, stats, ctx);
  }
  if (!failure.empty()) throw Error(failure_kind, failure);
  return 0;
}

}  // namespace

void register_stats(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "Traffic statistics of capture files: protocols, talkers, ports, conversations, throughput");
  cmd->add_option("-r,--read", opts->files, "capture file (pcap or pcapng; '-' = standard input); repeatable")
      ->required()
      ->allow_extra_args(false);
  cmd->add_flag("--json", opts->json, "print one JSON document instead of tables (docs/formats.md)");
  cmd->add_option("--top", opts->top, "rows in each top-N table and JSON list")->check(CLI::Range(1, 1000));
  cmd->add_option("-c,--count", opts->count, "stop after this many packets (0 = all)");
  cmd->add_flag("--no-progress", opts->no_progress, "no progress line on standard error");
  cmd->add_option("-f,--filter", opts->filter_flag,
                  "BPF filter expression (pcap-filter(7)); trailing arguments work too");
  cmd->add_option("filter", opts->filter_words, "BPF filter expression, e.g.: tcp port 443");
  cmd->footer(
      "A progress line is shown on standard error while reading when it is a terminal.\n"
      "Exit status: 0 success; 1 an input could not be opened or an output not written; 2 wrong\n"
      "usage; 3 an input was damaged partway (what was read before the damage is still reported).");
  cmd->callback([opts, &run] { run = [opts] { return run_stats(*opts); }; });
}

}  // namespace nta::cli
