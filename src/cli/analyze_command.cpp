// nta analyze: flows, application fields and traffic statistics from files or a live interface.
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/packet_options.h"
#include "core/error.h"
#include "detect/rules_config.h"
#include "pipeline/analyze_job.h"
#include "pipeline/asset_context_adapter.h"
#include "pipeline/stop_signal.h"

namespace nta::cli {
namespace {

struct AnalyzeOptions {
  AnalyzeConfig job;
  std::string interface;
  std::vector<std::string> filter_words;
  std::string filter_flag;
  bool json = false;
  bool no_community_id = false;
  bool no_progress = false;
  std::uint16_t community_id_seed = 0;
  double tcp_attempt = 30, tcp_established = 300, tcp_closed = 5, udp = 60, icmp = 60, other = 60;
  double active = 1800;
  double window = 0;           // --window
  CLI::Option* window_flag = nullptr;
  CLI::Option* threshold_flag = nullptr;
  std::string rules_path;      // --rules
  bool rules_defaults = false;  // --rules-defaults
  bool no_detect = false;       // --no-detect
  std::string db_path;          // --db: correlate with this asset inventory
};

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

}  // namespace

void register_analyze(CLI::App& app, CommandRun& run) {
  auto o = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Assemble flows (Zeek conn.log fields, Community ID, DNS/HTTP/TLS/SSH fields) and traffic statistics");
  auto* read = cmd->add_option("-r,--read", o->job.files,
                               "capture file (pcap or pcapng; '-' = standard input); repeatable, merged in time order");
  auto* iface = cmd->add_option("-i,--interface", o->interface, "capture live from this interface instead");
  read->excludes(iface);
  cmd->add_option("--flows", o->job.flows_path,
                  "write flow records: CSV, or JSON lines when the name ends in .jsonl/.json/.ndjson");
  cmd->add_option("--csv", o->job.packet_csv_path, "also write the packet CSV (one row per packet)");
  cmd->add_option("--features", o->job.features.features_path,
                  "write the flow feature matrix as CSV (one row per finished flow; docs/features.md)");
  cmd->add_option("--model", o->job.features.model_path, "score every flow with this model (made by 'nta train')");
  o->threshold_flag = cmd->add_option("--anomaly-threshold", o->job.features.anomaly_threshold,
                  "flag flows whose anomaly score is at least this (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  o->window_flag = cmd->add_option("--window", o->window,
                  "seconds of the per-host window features (default: the model's, else 60)");
  cmd->add_option("--alerts", o->job.detect.alerts_path, "write each alert as it is raised, as JSON lines (docs/formats.md)");
  cmd->add_option("--scores", o->job.detect.scores_path, "write the threat score of each host as JSON (docs/formats.md)");
  cmd->add_option("--report", o->job.report_path,
                  "write a self-contained HTML report (overview, charts, alerts, threat scores; docs/report.md)");
  cmd->add_option("--rules", o->rules_path, "detection thresholds file (docs/detections.md; --rules-defaults prints one)");
  cmd->add_flag("--rules-defaults", o->rules_defaults, "print the default detection rules, ready to copy, and exit");
  cmd->add_flag("--no-detect", o->no_detect, "run no detectors (no alerts, no threat scores)");
  cmd->add_option("--db", o->db_path,
                  "correlate with the asset inventory in this nta database (made by 'nta scan' or 'nta assets "
                  "import'): asset context on alerts and scores, and the findings unexpected_service, unknown_host, "
                  "risky_service (docs/assets.md)");
  cmd->add_option("--alert-rows", o->job.detect.alert_rows, "rows of the terminal's alert table")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  cmd->add_option("-c,--count", o->job.count, "stop after this many packets (0 = no limit; live: until Ctrl-C)");
  cmd->add_option("-f,--filter", o->filter_flag, "BPF filter expression; trailing arguments work too");
  cmd->add_flag("--json", o->json, "print the statistics as one JSON document instead of tables");
  cmd->add_option("--top", o->job.top, "rows in each top-N table")->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->add_option("--max-flows", o->job.flow.max_flows,
                  "concurrent flows kept; past it the least recently seen flow is evicted")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 31))
      ->capture_default_str();
  cmd->add_option("--tcp-attempt-timeout", o->tcp_attempt, "seconds a TCP flow with only SYN/SYN-ACK waits")
      ->capture_default_str();
  cmd->add_option("--tcp-timeout", o->tcp_established, "seconds an established TCP flow may idle")->capture_default_str();
  cmd->add_option("--tcp-closed-timeout", o->tcp_closed, "seconds a closed (FIN/RST) TCP flow lingers")
      ->capture_default_str();
  cmd->add_option("--udp-timeout", o->udp, "seconds a UDP flow may idle")->capture_default_str();
  cmd->add_option("--icmp-timeout", o->icmp, "seconds an ICMP flow may idle")->capture_default_str();
  cmd->add_option("--other-timeout", o->other, "seconds a flow of another IP protocol may idle")->capture_default_str();
  cmd->add_option("--active-timeout", o->active, "seconds after which a running flow emits an interim record (0 = never)")
      ->capture_default_str();
  cmd->add_option("--community-id-seed", o->community_id_seed, "seed of the Community ID hash")->capture_default_str();
  cmd->add_flag("--no-community-id", o->no_community_id, "do not compute Community IDs");
  cmd->add_flag("--no-progress", o->no_progress, "no progress line on standard error");
  cmd->add_option("filter", o->filter_words, "BPF filter expression, e.g.: tcp port 443");
  cmd->footer(
      "Timeouts run on packet time. Exit status: 0 success; 1 an input could not be opened or an output\n"
      "not written; 2 wrong usage; 3 an input was damaged partway (what came before is kept and written).");
  cmd->callback([o, &run] {
    run = [o] {
      AnalyzeConfig& job = o->job;
      if (o->rules_defaults) {
        std::fputs(default_rules_text().c_str(), stdout);
        return 0;
      }
      // The rules are read before any input or output is opened: a bad file changes nothing.
      job.detect.enabled = !o->no_detect;
      if (o->no_detect && (!job.detect.alerts_path.empty() || !job.detect.scores_path.empty() || !o->rules_path.empty())) {
        throw Error(ErrorKind::kUsage, "--alerts, --scores and --rules need the detectors: drop --no-detect");
      }
      if (!o->rules_path.empty()) job.detect.rules = load_rules(o->rules_path);
      // The inventory is read whole before any input is opened, read-only: a missing file stays
      // missing (never an empty database), a foreign or newer one is refused by the store.
      std::unique_ptr<SnapshotAssetContext> assets;
      if (!o->db_path.empty()) {
        if (o->no_detect) throw Error(ErrorKind::kUsage, "--db needs the detectors: drop --no-detect");
        assets = load_asset_context(o->db_path);
        job.detect.assets = assets.get();
        const std::size_t n = assets->host_count();
        job.detect.assets_label = fmt::format("{} ({} host{})", o->db_path, n, n == 1 ? "" : "s");
      }
      if (job.files.empty() && o->interface.empty()) {
        throw Error(ErrorKind::kUsage, "analyze needs capture files (-r FILE) or an interface (-i IFACE)");
      }
      if (!o->interface.empty()) {
        job.live = LiveOptions{};
        job.live->interface = o->interface;
      }
      for (double t : {o->tcp_attempt, o->tcp_established, o->tcp_closed, o->udp, o->icmp, o->other}) {
        if (!(t > 0)) throw Error(ErrorKind::kUsage, "timeouts must be positive numbers of seconds");
      }
      if (o->active < 0) throw Error(ErrorKind::kUsage, "--active-timeout must be 0 (off) or positive");
      job.flow.tcp_attempt_timeout = seconds(o->tcp_attempt);
      job.flow.tcp_established_timeout = seconds(o->tcp_established);
      job.flow.tcp_closed_timeout = seconds(o->tcp_closed);
      job.flow.udp_timeout = seconds(o->udp);
      job.flow.icmp_timeout = seconds(o->icmp);
      job.flow.other_timeout = seconds(o->other);
      job.flow.active_timeout = seconds(o->active);
      job.flow.community_id = !o->no_community_id;
      job.flow.community_id_options.seed = o->community_id_seed;
      if (o->window_flag->count() != 0) {
        if (!(o->window > 0)) throw Error(ErrorKind::kUsage, "--window must be a positive number of seconds");
        job.features.window_seconds = o->window;
      }
      if (o->threshold_flag->count() != 0 && job.features.model_path.empty()) {
        throw Error(ErrorKind::kUsage, "--anomaly-threshold needs a model (--model FILE)");
      }
      if (o->window_flag->count() != 0 && !job.features.enabled()) {
        throw Error(ErrorKind::kUsage, "--window applies to --features and --model; give one of them");
      }
      PacketOptions filter;
      filter.filter_words = o->filter_words;
      filter.filter_flag = o->filter_flag;
      finish_packet_options(filter);
      job.filter = filter.job.filter;
      job.stats_output = o->json ? StatsOutput::kJson : StatsOutput::kTables;
      job.progress = !o->no_progress;
      install_stop_handlers();
      run_analyze_job(job);
      return 0;
    };
  });
}

}  // namespace nta::cli
