// placeholder: being written
#include "cli/command.h"
namespace nta::cli {
void register_read(CLI::App& app, CommandRun& run) { (void)app; (void)run; }
}  // namespace nta::cli
