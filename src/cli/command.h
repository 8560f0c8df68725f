#pragma once
// Every subcommand lives in its own file and registers itself on the root app with one function.
// A registered command stores its parsed options and, when chosen, sets `run` to its body.
#include <CLI/CLI.hpp>
#include <functional>

namespace nta::cli {

// The body of the chosen subcommand; returns the process exit status.
using CommandRun = std::function<int()>;

void register_read(CLI::App& app, CommandRun& run);
void register_capture(CLI::App& app, CommandRun& run);
void register_interfaces(CLI::App& app, CommandRun& run);
void register_synth(CLI::App& app, CommandRun& run);
void register_analyze(CLI::App& app, CommandRun& run);
void register_stats(CLI::App& app, CommandRun& run);
void register_scan(CLI::App& app, CommandRun& run);
void register_assets(CLI::App& app, CommandRun& run);
void register_train(CLI::App& app, CommandRun& run);
void register_iforest(CLI::App& app, CommandRun& run);

}  // namespace nta::cli
