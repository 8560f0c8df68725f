// placeholder: being written
#include "cli/command.h"
namespace nta::cli {
void register_synth(CLI::App& app, CommandRun& run) { (void)app; (void)run; }
}  // namespace nta::cli
