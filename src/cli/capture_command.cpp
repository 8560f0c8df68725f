// nta capture: the packet job on a live interface.
#include <memory>

#include "cli/command.h"
#include "cli/packet_options.h"
#include "core/error.h"

namespace nta::cli {

void register_capture(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<PacketOptions>();
  opts->job.count = 50;
  opts->job.csv_path = "traffic_capture.csv";
  opts->job.live = LiveOptions{};
  auto no_csv = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "capture", "Capture live from an interface: print each packet, a summary, and a packet CSV");
  cmd->add_option("-i,--interface", opts->job.live->interface,
                  "interface (default: the first that is up and not loopback; see 'nta interfaces')");
  cmd->add_option("-c,--count", opts->job.count, "stop after this many packets (0 = until Ctrl-C)")
      ->capture_default_str();
  cmd->add_option("-s,--snaplen", opts->job.live->snaplen, "bytes to keep of each packet")
      ->capture_default_str()
      ->check(CLI::Range(64, 262144));
  cmd->add_option("-w,--write", opts->job.write_path, "also keep the raw packets in this pcap file");
  cmd->add_option("-Z,--user", opts->job.drop_to_user,
                  "drop root privileges to this user once the capture is open");
  auto no_promisc = std::make_shared<bool>(false);
  cmd->add_flag("--no-promiscuous", *no_promisc, "do not put the interface into promiscuous mode");
  cmd->add_flag("--no-csv", *no_csv, "do not write the packet CSV");
  add_packet_options(*cmd, *opts);
  cmd->footer(
      "CSV default: traffic_capture.csv. Capturing needs root, or once:\n"
      "  sudo setcap cap_net_raw,cap_net_admin=eip $(command -v nta)\n"
      "Exit status: 0 success; 1 no permission, no such interface, or an output not written; 2 wrong usage.");
  cmd->callback([opts, no_csv, no_promisc, &run] {
    if (*no_promisc) opts->job.live->promiscuous = false;
    if (*no_csv) opts->job.csv_path.clear();
    run = [opts] {
      finish_packet_options(*opts);
      install_stop_handlers();
      run_packet_job(opts->job);
      return 0;
    };
  });
}

}  // namespace nta::cli
