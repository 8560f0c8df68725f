#include "cli/packet_options.h"

#include "core/error.h"

namespace nta::cli {

void add_packet_options(CLI::App& cmd, PacketOptions& o) {
  cmd.add_option("-f,--filter", o.filter_flag,
                 "BPF filter expression (pcap-filter(7)); trailing arguments work too");
  cmd.add_option("--csv", o.job.csv_path,
                 "write one row per packet: timestamp,src_ip,dst_ip,src_port,dst_port,protocol,length");
  cmd.add_flag("-q,--quiet", o.job.quiet, "no per-packet lines; only the summary");
  cmd.add_option("--top", o.job.top, "rows in the top sources/destinations tables")
      ->check(CLI::Range(1, 1000));
  cmd.add_option("filter", o.filter_words, "BPF filter expression, e.g.: tcp port 443");
}

void finish_packet_options(PacketOptions& o) {
  std::string joined;
  for (const std::string& w : o.filter_words) {
    if (!joined.empty()) joined += ' ';
    joined += w;
  }
  if (!joined.empty() && !o.filter_flag.empty()) {
    throw Error(ErrorKind::kUsage, "give the filter either with -f or as trailing arguments, not both");
  }
  o.job.filter = joined.empty() ? o.filter_flag : joined;
}

}  // namespace nta::cli
