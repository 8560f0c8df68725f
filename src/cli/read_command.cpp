// nta read: the packet job over capture files.
#include <memory>

#include "cli/command.h"
#include "cli/packet_options.h"
#include "core/error.h"

namespace nta::cli {

void register_read(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<PacketOptions>();
  CLI::App* cmd = app.add_subcommand(
      "read", "Read pcap/pcapng files: print each packet, a summary, and optionally a packet CSV");
  cmd->add_option("-r,--read", opts->job.files, "capture file (pcap or pcapng; '-' = standard input); repeatable")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("-c,--count", opts->job.count, "stop after this many packets (0 = all)");
  cmd->add_option("-w,--write", opts->job.write_path, "also write the packets read (after the filter) to this pcap file");
  add_packet_options(*cmd, *opts);
  cmd->footer(
      "Exit status: 0 success; 1 an input could not be opened or an output not written; 2 wrong\n"
      "usage; 3 an input was damaged partway (what was read before the damage is still reported).");
  cmd->callback([opts, &run] {
    run = [opts] {
      finish_packet_options(*opts);
      install_stop_handlers();
      run_packet_job(opts->job);
      return 0;
    };
  });
}

}  // namespace nta::cli
