// nta stats: traffic statistics over capture files, as tables or one JSON document (--json).
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/packet_options.h"
#include "pipeline/analyze_job.h"
#include "pipeline/stop_signal.h"

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

int run_stats(const StatsOptions& o) {
  // The same job as `nta analyze`, without flow output: the flow table still runs so that the
  // statistics include flows by conn_state and content-detected services.
  PacketOptions filter;
  filter.filter_words = o.filter_words;
  filter.filter_flag = o.filter_flag;
  finish_packet_options(filter);
  AnalyzeConfig job;
  job.files = o.files;
  job.filter = filter.job.filter;
  job.count = o.count;
  job.top = o.top;
  job.stats_output = o.json ? StatsOutput::kJson : StatsOutput::kTables;
  job.print_flow_counters = false;
  job.progress = !o.no_progress;
  install_stop_handlers();
  run_analyze_job(job);
  return 0;
}

}  // namespace

void register_stats(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "Traffic statistics of capture files: protocols, talkers, ports, conversations, throughput");
  cmd->add_option("-r,--read", opts->files, "capture file (pcap or pcapng; '-' = standard input); repeatable, merged in time order")
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
