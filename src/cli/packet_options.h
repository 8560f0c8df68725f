#pragma once
// The flags `nta read` and `nta capture` share: count, filter, CSV, quiet.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "pipeline/packet_pipeline.h"

namespace nta::cli {

struct PacketOptions {
  PacketJobConfig job;
  std::vector<std::string> filter_words;  // trailing arguments, joined into one BPF expression
  std::string filter_flag;                 // -f
};

void add_packet_options(CLI::App& cmd, PacketOptions& o);
// Joins the trailing words and -f into job.filter; throws nta::Error(kUsage) if both are given.
void finish_packet_options(PacketOptions& o);

}  // namespace nta::cli
