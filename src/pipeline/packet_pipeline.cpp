#include "pipeline/packet_pipeline.h"

#include <fmt/core.h>

#include <memory>

#include "core/error.h"
#include "decode/decoder.h"
#include "output/buffered_writer.h"
#include "output/packet_csv_writer.h"
#include "output/packet_printer.h"
#include "pipeline/stop_signal.h"
#include "output/progress_bar.h"

namespace nta {
namespace {

std::unique_ptr<PacketSource> open_source(const PacketJobConfig& config, const std::string& file) {
  auto source = config.live ? PacketSource::open_live(*config.live) : PacketSource::open_file(file);
  if (!config.filter.empty()) source->set_filter(config.filter);
  return source;
}

}  // namespace

PacketJobResult run_packet_job(const PacketJobConfig& config) {
  clear_stop_request();
  PacketJobResult result;
  result.context.top = config.top;

  BufferedWriter console("-");
  std::unique_ptr<PacketCsvWriter> csv;
  PacketPrinter printer(console);

  std::vector<std::string> inputs = config.files;
  if (config.live) inputs = {config.live->interface};

  std::string failure;
  ErrorKind failure_kind = ErrorKind::kInput;
  std::uint64_t number = 0;
  RawPacket raw;
  PacketView view;
  // Progress line on standard error while reading files (output/progress_bar.h).
  FileProgress progress(config.live ? std::vector<std::string>{} : config.files, !config.quiet);

  // The first input opens before any output is created, so that a missing file or a capture
  // without permission is reported as such and leaves no empty CSV behind.
  std::unique_ptr<PacketSource> first = open_source(config, inputs.front());
  if (!config.csv_path.empty()) csv = std::make_unique<PacketCsvWriter>(config.csv_path);

  for (const std::string& input : inputs) {
    if (stop_requested() || result.context.count_reached) break;
    std::unique_ptr<PacketSource> source;
    try {
      source = first ? std::move(first) : open_source(config, input);
    } catch (const Error& e) {
      // A later file that cannot be opened must not lose what the earlier ones produced.
      if (number == 0 && inputs.size() == 1) throw;
      failure = e.what();
      failure_kind = e.kind();
      break;
    }
    ActiveSourceGuard guard(source.get());
    progress.next_file();
    if (!config.write_path.empty()) source->write_to(config.write_path);
    if (!config.drop_to_user.empty()) drop_privileges(config.drop_to_user);
    result.context.inputs.push_back(
        fmt::format("{} ({}{})", source->name(), source->link_type_name(), source->is_live() ? ", live" : ""));
    if (source->is_live() && !config.quiet) {
      fmt::print(stderr, "nta: capturing on {}{}{} (Ctrl-C stops)\n", source->name(),
                 config.filter.empty() ? "" : ", filter: ", config.filter);
    }

    for (;;) {
      if (stop_requested()) {
        result.context.interrupted = true;
        break;
      }
      const NextResult r = source->next(raw);
      if (r == NextResult::kTimeout) {
        console.flush();
        if (csv) csv->flush();
        source->flush_written();
        continue;
      }
      if (r == NextResult::kEnd) {
        if (stop_requested()) result.context.interrupted = true;
        break;
      }
      if (r == NextResult::kError) {
        failure = fmt::format("'{}': {} (after {} packets)", source->name(), source->error(), number);
        failure_kind = ErrorKind::kInput;
        break;
      }
      decode(raw, view);
      ++number;
      result.summary.add(view);
      progress.tick([&] { return source->read_position().value_or(0); });
      if (csv) csv->write(view);
      if (!config.quiet) {
        printer.print(number, view);
        if (source->is_live()) console.flush();
        if (console.closed()) break;
      }
      if (config.count != 0 && number >= config.count) {
        result.context.count_reached = true;
        break;
      }
    }
    if (auto k = source->counters()) {
      result.context.kernel = KernelCounters{k->received, k->dropped_by_kernel, k->dropped_by_interface};
    }
    source->flush_written();
    if (!failure.empty() || console.closed()) break;
  }

  if (csv) {
    csv->flush();
    result.context.csv_path = csv->path();
    result.context.csv_rows = csv->rows();
  }
  result.context.pcap_path = config.write_path;
  result.context.input_error = failure;
  progress.finish();
  console.flush();
  if (config.print_summary && !console.closed()) {
    if (!config.quiet && number > 0) console.append("\n");
    print_summary(console, result.summary, result.context);
  }
  if (!failure.empty()) {
    result.input_failed = true;
    throw Error(failure_kind, failure);
  }
  return result;
}

}  // namespace nta
