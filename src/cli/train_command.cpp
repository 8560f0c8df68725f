// nta train: fits an Isolation Forest on the flows of baseline captures and writes a model file that
// `nta analyze --model` scores flows with. The flows come from the same job as `nta analyze` (one
// place knows the stage order); only final records become training rows.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/packet_options.h"
#include "core/error.h"
#include "features/feature_schema.h"
#include "ml/isolation_forest.h"
#include "ml/model_file.h"
#include "output/summary_printer.h"
#include "pipeline/analyze_job.h"
#include "pipeline/stop_signal.h"

namespace nta::cli {
namespace {

struct TrainOptions {
  std::vector<std::string> files;
  std::string output;
  std::uint32_t trees = 100;
  std::uint32_t sample = 256;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  double window = kDefaultWindowSeconds;
  std::vector<std::string> filter_words;
  std::string filter_flag;
  bool no_progress = false;
};

// Nearest-rank quantile of sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

int run_train(const TrainOptions& o) {
  if (!(o.window > 0) || !std::isfinite(o.window)) {
    throw Error(ErrorKind::kUsage, "--window must be a positive number of seconds");
  }
  PacketOptions filter;
  filter.filter_words = o.filter_words;
  filter.filter_flag = o.filter_flag;
  finish_packet_options(filter);

  AnalyzeConfig job;
  job.files = o.files;
  job.filter = filter.job.filter;
  job.stats_output = StatsOutput::kNone;
  job.print_flow_counters = false;
  job.progress = !o.no_progress;
  job.features.collect_rows = true;
  job.features.window_seconds = o.window;
  install_stop_handlers();
  const auto t0 = std::chrono::steady_clock::now();
  AnalyzeResult result = run_analyze_job(job);
  const auto t1 = std::chrono::steady_clock::now();
  if (result.interrupted) throw Error(ErrorKind::kUsage, "interrupted before the baseline was read: no model written");

  std::vector<double>& rows = result.features.rows;
  const std::size_t n = rows.size() / kFeatureCount;
  if (n < 2) {
    throw Error(ErrorKind::kInput,
                fmt::format("the baseline ({}) holds {} finished flow{}: too few to train on; give captures of normal "
                            "traffic (IP flows) as -r",
                            joined(o.files), n, n == 1 ? "" : "s"));
  }
  const MatrixView x{rows.data(), n, kFeatureCount};
  ForestParams params;
  params.trees = o.trees;
  params.sample_size = o.sample;
  params.seed = o.seed;
  params.threads = o.threads;
  ModelFile model;
  model.forest = IsolationForest::fit(x, params);
  const auto t2 = std::chrono::steady_clock::now();
  model.feature_names = feature_names();
  model.feature_stats = compute_feature_stats(x);
  model.training_rows = n;
  model.schema_id = std::string(kFeatureSchemaId);
  // The window first: analyze reads the first "window_s=" (a file name could hold those letters too).
  model.description = fmt::format("window_s={:g}; trees={} sample={} seed={}; nta train: {} flows from {} ({} packets)",
                                  o.window, o.trees, o.sample, o.seed, n, joined(o.files), result.packets);
  save_model(o.output, model);

  std::vector<double> scores(n);
  model.forest.score(x, scores, o.threads);
  std::sort(scores.begin(), scores.end());
  const auto above = static_cast<std::size_t>(
      scores.end() - std::lower_bound(scores.begin(), scores.end(), kDefaultAnomalyThreshold));
  const double flows_s = std::chrono::duration<double>(t1 - t0).count();
  const double fit_s = std::chrono::duration<double>(t2 - t1).count();
  fmt::print("train: {} flows from {} capture{} ({} packets) in {:.2f} s; forest fitted in {:.3f} s\n",
             with_commas(n), o.files.size(), o.files.size() == 1 ? "" : "s", with_commas(result.packets), flows_s,
             fit_s);
  fmt::print("  features: {} (schema {}), host window {:g} s\n", kFeatureCount, kFeatureSchemaId, o.window);
  fmt::print("  forest: {} trees, sample size {} (of {} asked), seed {}\n", model.forest.trees(),
             model.forest.sample_size_used(), o.sample, o.seed);
  fmt::print("  training-set scores: min {:.3f}, median {:.3f}, p90 {:.3f}, p99 {:.3f}, p99.9 {:.3f}, max {:.3f}\n",
             scores.front(), quantile(scores, 0.5), quantile(scores, 0.9), quantile(scores, 0.99),
             quantile(scores, 0.999), scores.back());
  fmt::print("  at or above the default threshold {:.2f}: {} flows ({:.2f}%)\n", kDefaultAnomalyThreshold,
             with_commas(above), 100.0 * static_cast<double>(above) / static_cast<double>(n));
  fmt::print("  model: {}\n", o.output);
  return 0;
}

}  // namespace

void register_train(CLI::App& app, CommandRun& run) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Fit an anomaly model (Isolation Forest) on the flows of baseline captures of normal traffic");
  cmd->add_option("-r,--read", o->files, "baseline capture (pcap or pcapng); repeatable, merged in time order")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", o->output, "model file to write")->required();
  cmd->add_option("--trees", o->trees, "trees in the forest")->check(CLI::Range(1u, 100000u))->capture_default_str();
  cmd->add_option("--sample", o->sample, "sub-sample size of each tree (psi)")
      ->check(CLI::Range(2u, 1u << 24))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed: the same inputs and seed give the same model")
      ->capture_default_str();
  cmd->add_option("-j,--threads", o->threads, "threads for fitting")->check(CLI::Range(1u, 256u))->capture_default_str();
  cmd->add_option("--window", o->window, "seconds of the per-host window features (stored in the model)")
      ->capture_default_str();
  cmd->add_flag("--no-progress", o->no_progress, "no progress line on standard error");
  cmd->add_option("-f,--filter", o->filter_flag, "BPF filter expression; trailing arguments work too");
  cmd->add_option("filter", o->filter_words, "BPF filter expression, e.g.: not port 53");
  cmd->footer(
      "Flows are built as 'nta analyze' builds them (default timeouts); each finished flow is one row of\n"
      "the features in docs/features.md. Exit status: 0 model written; 1 an input could not be opened or\n"
      "the model not written; 2 wrong usage; 3 an input was damaged or the baseline has too few flows.");
  cmd->callback([o, &run] { run = [o] { return run_train(*o); }; });
}

}  // namespace nta::cli
