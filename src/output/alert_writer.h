#pragma once
// The alert file (`nta analyze --alerts FILE.jsonl`): one JSON object per alert as it is raised,
// in the spirit of Suricata's EVE, and the threat scores file (`--scores FILE.json`). Both are
// documented field by field in docs/formats.md.
#include <cstdint>
#include <string>
#include <vector>

#include "detect/alert.h"
#include "detect/alert_log.h"
#include "detect/threat_scorer.h"
#include "output/buffered_writer.h"

namespace nta {

// One alert as a JSON object on one line (no newline).
[[nodiscard]] std::string alert_json(const Alert& a);

class AlertWriter {
 public:
  // Creates/truncates `path`; throws nta::Error(kIo) when it cannot.
  explicit AlertWriter(const std::string& path);
  // Writes the alert and flushes: alerts are rare and should reach the file as they happen.
  void write(const Alert& a);
  void flush() { out_.flush(); }
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] const std::string& path() const noexcept { return out_.path(); }

 private:
  BufferedWriter out_;
  std::uint64_t rows_ = 0;
};

struct ScoresContext {
  Timestamp end;                  // the latest packet time: ages are measured from here
  double half_life_seconds = 0;
  AlertCounters alerts;
  std::vector<std::uint64_t> evictions;  // per detector, in DetectorId order
};

// The scores document (pretty-printed JSON, newline-terminated).
[[nodiscard]] std::string threat_scores_json(const std::vector<HostThreat>& hosts, const ScoresContext& ctx);
// Writes it to `path`; throws nta::Error(kIo) when it cannot.
void write_threat_scores(const std::string& path, const std::vector<HostThreat>& hosts, const ScoresContext& ctx);

}  // namespace nta
