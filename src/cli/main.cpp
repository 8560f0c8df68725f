// nta: one binary, one subcommand per job. Errors surface here once, as one line and an exit code.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "cli/command.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"nta - network traffic analyzer: packets to flows, statistics and verdicts", "nta"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "nta 0.1.0");
  app.footer("Run 'nta COMMAND --help' for the options of one command.");

  nta::cli::CommandRun run;
  nta::cli::register_read(app, run);
  nta::cli::register_analyze(app, run);
  nta::cli::register_capture(app, run);
  nta::cli::register_interfaces(app, run);
  nta::cli::register_synth(app, run);
  nta::cli::register_stats(app, run);
  nta::cli::register_scan(app, run);
  nta::cli::register_assets(app, run);
  nta::cli::register_train(app, run);
  nta::cli::register_iforest(app, run);

  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      fmt::print(stderr, "nta: unknown command '{}'; the commands are: {}\nRun 'nta --help' for usage.\n",
                 argv[1], names);
      return nta::kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "nta: {}\nRun 'nta --help' for usage.\n", e.what());
    return nta::kExitUsage;
  }

  try {
    return run ? run() : nta::kExitUsage;
  } catch (const nta::Error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "nta: error: {}\n", e.what());
    return nta::exit_code_for(e.kind());
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "nta: internal error: {}\n", e.what());
    return nta::kExitFailure;
  }
}
