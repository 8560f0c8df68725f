// nta iforest fit|score: the Isolation Forest on any numeric CSV, with ROC-AUC where labels are given
// (docs/ml.md). Times are wall-clock; the scoring rate excludes reading and parsing the CSV.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "ml/csv_matrix.h"
#include "ml/isolation_forest.h"
#include "ml/model_file.h"
#include "ml/roc_auc.h"

namespace nta::cli {
namespace {

constexpr const char* kDefaultLabel = "label";
constexpr const char* kCsvSchemaId = "csv";

struct IforestOptions {
  std::string csv;
  std::string model;   // fit: the output; score: the input (empty: fit on the same data)
  std::string output;  // score: the scores CSV
  std::string label;
  bool no_label = false;
  ForestParams forest;
  unsigned threads = 1;
  std::string description;
  bool forest_flags_given = false;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the whole process (all threads), to tell work from waiting on a busy machine.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The label column: --label NAME, none with --no-label, else `label` when the header has one.
std::string choose_label(const IforestOptions& o) {
  if (o.no_label) {
    if (!o.label.empty()) throw Error(ErrorKind::kUsage, "--label and --no-label exclude each other");
    return {};
  }
  if (!o.label.empty()) return o.label;
  const std::vector<std::string> header = read_csv_header(o.csv);
  return std::find(header.begin(), header.end(), kDefaultLabel) != header.end() ? kDefaultLabel : "";
}

struct ReadTimes {
  double wall = 0;
  double cpu = 0;
};

CsvMatrix read_input(const IforestOptions& o, ReadTimes& times) {
  const std::string label = choose_label(o);
  const Clock::time_point start = Clock::now();
  const double cpu_start = cpu_seconds();
  CsvMatrix data = read_numeric_csv(o.csv, label);
  times = ReadTimes{seconds_since(start), cpu_seconds() - cpu_start};
  return data;
}

void print_data_line(const IforestOptions& o, const CsvMatrix& data, const ReadTimes& read) {
  std::size_t outliers = 0;
  for (const std::uint8_t l : data.labels) outliers += l;
  fmt::print("data      {}: {} rows, {} features", o.csv, data.features.rows, data.features.cols);
  if (!data.label_name.empty()) fmt::print(", label column '{}' ({} outliers)", data.label_name, outliers);
  fmt::print("\nread      {:.3f} s ({:.3f} s CPU)\n", read.wall, read.cpu);
}

void print_auc(const CsvMatrix& data, std::span<const double> scores) {
  if (data.labels.empty()) return;
  std::size_t outliers = 0;
  for (const std::uint8_t l : data.labels) outliers += l;
  if (outliers == 0 || outliers == data.labels.size()) {
    fmt::print("ROC-AUC   n/a (the labels hold one class only)\n");
    return;
  }
  fmt::print("ROC-AUC   {:.4f}\n", roc_auc(scores, data.labels));
}

IsolationForest fit_forest(const IforestOptions& o, const CsvMatrix& data) {
  ForestParams p = o.forest;
  p.threads = o.threads;
  const Clock::time_point start = Clock::now();
  const double cpu_start = cpu_seconds();
  IsolationForest forest = IsolationForest::fit(data.features.view(), p);
  fmt::print("fit       {:.3f} s ({} trees, sample {}, seed {}, {} thread{}; {:.3f} s CPU)\n",
             seconds_since(start), p.trees, forest.sample_size_used(), p.seed, p.threads,
             p.threads == 1 ? "" : "s", cpu_seconds() - cpu_start);
  return forest;
}

std::vector<double> score_rows(const IforestOptions& o, const IsolationForest& forest,
                               const CsvMatrix& data) {
  std::vector<double> scores(data.features.rows);
  const Clock::time_point start = Clock::now();
  const double cpu_start = cpu_seconds();
  forest.score(data.features.view(), scores, o.threads);
  const double s = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  const auto rate = [&](double t) { return t > 0 ? static_cast<double>(scores.size()) / t : 0.0; };
  fmt::print("score     {:.3f} s ({:.0f} rows/s, {} thread{}; {:.3f} s CPU, {:.0f} rows per CPU-second)\n", s,
             rate(s), o.threads, o.threads == 1 ? "" : "s", cpu, rate(cpu));
  return scores;
}

void write_scores(const std::string& path, const CsvMatrix& data, std::span<const double> scores) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  const bool labels = !data.labels.empty();
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), "row,score{}\n", labels ? "," + data.label_name : "");
  bool ok = true;
  for (std::size_t r = 0; r < scores.size(); ++r) {
    if (labels)
      fmt::format_to(std::back_inserter(buf), "{},{},{}\n", r + 1, scores[r], data.labels[r]);
    else
      fmt::format_to(std::back_inserter(buf), "{},{}\n", r + 1, scores[r]);
    if (buf.size() > (1U << 20) || r + 1 == scores.size()) {
      ok = ok && std::fwrite(buf.data(), 1, buf.size(), f.get()) == buf.size();
      buf.clear();
    }
  }
  if (!ok || std::fflush(f.get()) != 0)
    throw Error(ErrorKind::kIo, fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
}

// The CSV's feature columns must be the model's schema, in order.
void check_columns(const IforestOptions& o, const ModelFile& m, const CsvMatrix& data) {
  if (m.schema_id != kCsvSchemaId) {
    throw Error(ErrorKind::kUsage,
                fmt::format("model '{}' has schema '{}', not a CSV model: use the command that "
                            "trained it (e.g. nta analyze --model)",
                            o.model, m.schema_id));
  }
  if (data.names.size() != m.feature_names.size()) {
    throw Error(ErrorKind::kUsage, fmt::format("{} has {} feature columns; model '{}' expects {}", o.csv,
                                               data.names.size(), o.model, m.feature_names.size()));
  }
  for (std::size_t c = 0; c < data.names.size(); ++c) {
    if (data.names[c] != m.feature_names[c]) {
      throw Error(ErrorKind::kUsage, fmt::format("{}: feature column {} is '{}'; model '{}' expects '{}'",
                                                 o.csv, c + 1, data.names[c], o.model, m.feature_names[c]));
    }
  }
}

int run_fit(const IforestOptions& o) {
  ReadTimes read;
  const CsvMatrix data = read_input(o, read);
  print_data_line(o, data, read);
  ModelFile m;
  m.forest = fit_forest(o, data);
  m.feature_names = data.names;
  m.feature_stats = compute_feature_stats(data.features.view());
  m.training_rows = data.features.rows;
  m.schema_id = kCsvSchemaId;
  m.description = o.description.empty()
                      ? fmt::format("nta iforest fit on {} ({} rows)", o.csv, data.features.rows)
                      : o.description;
  save_model(o.model, m);
  fmt::print("model     {}\n", o.model);
  if (!data.labels.empty()) print_auc(data, score_rows(o, m.forest, data));
  return 0;
}

int run_score(const IforestOptions& o) {
  if (!o.model.empty() && o.forest_flags_given)
    throw Error(ErrorKind::kUsage,
                "--trees, --sample and --seed fit a new forest; they do not apply with --model");
  std::optional<ModelFile> model;
  if (!o.model.empty()) model = load_model(o.model);  // a bad model fails before the CSV is read
  ReadTimes read;
  const CsvMatrix data = read_input(o, read);
  print_data_line(o, data, read);
  IsolationForest fitted;
  if (model) {
    check_columns(o, *model, data);
    fmt::print("model     {} ({} trees, sample {}, trained on {} rows)\n", o.model, model->forest.trees(),
               model->forest.sample_size_used(), model->training_rows);
  } else {
    fitted = fit_forest(o, data);
  }
  const IsolationForest& forest = model ? model->forest : fitted;
  const std::vector<double> scores = score_rows(o, forest, data);
  print_auc(data, scores);
  if (!o.output.empty()) {
    write_scores(o.output, data, scores);
    fmt::print("scores    {}\n", o.output);
  }
  return 0;
}

void add_common(CLI::App* cmd, IforestOptions& o) {
  cmd->add_option("--csv", o.csv, "numeric CSV with a header row")->required()->check(CLI::ExistingFile);
  cmd->add_option(
      "--label", o.label,
      "the 0/1 label column (1 = outlier), kept out of the features; default: 'label' if present");
  cmd->add_flag("--no-label", o.no_label, "every column is a feature, even one named 'label'");
  cmd->add_option("-j,--threads", o.threads, "threads for fitting and scoring")
      ->check(CLI::Range(1U, 256U))
      ->capture_default_str();
}

void add_forest(CLI::App* cmd, IforestOptions& o) {
  cmd->add_option("--trees", o.forest.trees, "number of trees (t)")
      ->check(CLI::Range(1U, 100000U))
      ->capture_default_str()
      ->each([&o](const std::string&) { o.forest_flags_given = true; });
  cmd->add_option("--sample", o.forest.sample_size, "rows drawn for each tree (psi; at most the rows)")
      ->check(CLI::Range(2U, 1U << 30))
      ->capture_default_str()
      ->each([&o](const std::string&) { o.forest_flags_given = true; });
  cmd->add_option("--seed", o.forest.seed, "random seed: the same seed gives the same forest and scores")
      ->capture_default_str()
      ->each([&o](const std::string&) { o.forest_flags_given = true; });
}

}  // namespace

void register_iforest(CLI::App& app, CommandRun& run) {
  CLI::App* cmd =
      app.add_subcommand("iforest", "Isolation Forest on a numeric CSV: fit a model or score rows");
  cmd->require_subcommand(1);
  cmd->footer(
      "See docs/ml.md. Exit status: 0 success; 1 a file could not be read or written; 2 wrong usage;\n"
      "3 a damaged CSV or model.");

  auto fit = std::make_shared<IforestOptions>();
  CLI::App* fit_cmd = cmd->add_subcommand("fit", "Fit a forest on a CSV and save it as a model file");
  add_common(fit_cmd, *fit);
  add_forest(fit_cmd, *fit);
  fit_cmd->add_option("-o,--output", fit->model, "model file to write")->required();
  fit_cmd->add_option("--description", fit->description, "free text stored in the model");
  fit_cmd->callback([fit, &run] { run = [fit] { return run_fit(*fit); }; });

  auto score = std::make_shared<IforestOptions>();
  CLI::App* score_cmd = cmd->add_subcommand(
      "score", "Score a CSV's rows with a model, or with a forest fitted on the same rows");
  add_common(score_cmd, *score);
  add_forest(score_cmd, *score);
  score_cmd->add_option("--model", score->model,
                        "model file from 'nta iforest fit' (default: fit on this CSV)");
  score_cmd->add_option("-o,--output", score->output, "write the scores as CSV: row,score[,label]");
  score_cmd->callback([score, &run] { run = [score] { return run_score(*score); }; });
}

}  // namespace nta::cli
