// nta interfaces: what can be captured on.
#include <fmt/core.h>

#include "capture/packet_source.h"
#include "cli/command.h"

namespace nta::cli {

void register_interfaces(CLI::App& app, CommandRun& run) {
  CLI::App* cmd = app.add_subcommand("interfaces", "List the interfaces nta can capture on");
  cmd->callback([&run] {
    run = [] {
      const auto all = list_interfaces();
      const auto chosen = default_interface();
      fmt::print("{:<3} {:<16} {:<24} {}\n", "", "interface", "state", "addresses");
      for (const InterfaceInfo& i : all) {
        std::string state = i.up ? "up" : "down";
        if (i.running) state += ",running";
        if (i.loopback) state += ",loopback";
        if (i.wireless) state += ",wireless";
        std::string addrs;
        for (const std::string& a : i.addresses) addrs += (addrs.empty() ? "" : " ") + a;
        fmt::print("{:<3} {:<16} {:<24} {}\n", chosen && *chosen == i.name ? "*" : "", i.name,
                   state, addrs);
      }
      if (chosen) fmt::print("\n* = what 'nta capture' uses without -i\n");
      return 0;
    };
  });
}

}  // namespace nta::cli
