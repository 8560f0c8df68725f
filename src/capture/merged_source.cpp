#include "capture/merged_source.h"

#include <fmt/core.h>

#include "core/error.h"

namespace nta {
namespace {

class MergedSource final : public PacketSource {
 public:
  explicit MergedSource(std::vector<std::unique_ptr<PacketSource>> sources)
      : sources_(std::move(sources)), pending_(sources_.size()), state_(sources_.size(), State::kNeedRead) {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (i > 0) name_ += ", ";
      name_ += sources_[i]->name();
    }
    link_name_ = sources_.front()->link_type_name();
    for (const auto& s : sources_) {
      if (s->link_type_name() != link_name_) link_name_ = "mixed link types";
    }
  }

  NextResult next(RawPacket& out) override {
    // The packet handed out last borrowed its source's buffer; only that source advances now.
    std::size_t best = sources_.size();
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (state_[i] == State::kNeedRead) {
        const NextResult r = sources_[i]->next(pending_[i]);
        if (r == NextResult::kPacket) {
          state_[i] = State::kReady;
        } else if (r == NextResult::kEnd) {
          state_[i] = State::kDone;
        } else if (r == NextResult::kError) {
          error_ = fmt::format("{}: {}", sources_[i]->name(), sources_[i]->error());
          state_[i] = State::kDone;
          return NextResult::kError;
        } else {
          return r;
        }
      }
      if (state_[i] == State::kReady && (best == sources_.size() || pending_[i].ts < pending_[best].ts)) {
        best = i;
      }
    }
    if (best == sources_.size()) return NextResult::kEnd;
    out = pending_[best];
    state_[best] = State::kNeedRead;
    return NextResult::kPacket;
  }

  void set_filter(const std::string& expression) override {
    for (auto& s : sources_) s->set_filter(expression);
  }
  void write_to(const std::string& /*path*/) override {
    throw Error(ErrorKind::kUsage, "-w is not available when several files are merged");
  }
  void flush_written() override {}
  void interrupt() noexcept override {
    for (auto& s : sources_) s->interrupt();
  }
  [[nodiscard]] std::string_view name() const noexcept override { return name_; }
  [[nodiscard]] LinkType link_type() const noexcept override { return sources_.front()->link_type(); }
  [[nodiscard]] std::string_view link_type_name() const noexcept override { return link_name_; }
  [[nodiscard]] bool is_live() const noexcept override { return false; }
  [[nodiscard]] const std::string& error() const noexcept override { return error_; }
  std::optional<CaptureCounters> counters() override { return std::nullopt; }
  // The bytes read so far from all the files together (the progress line's numerator).
  [[nodiscard]] std::optional<std::uint64_t> read_position() const noexcept override {
    std::uint64_t sum = 0;
    for (const auto& s : sources_) sum += s->read_position().value_or(0);
    return sum;
  }

 private:
  enum class State : std::uint8_t { kNeedRead, kReady, kDone };
  std::vector<std::unique_ptr<PacketSource>> sources_;
  std::vector<RawPacket> pending_;
  std::vector<State> state_;
  std::string name_;
  std::string link_name_;
  std::string error_;
};

}  // namespace

std::unique_ptr<PacketSource> open_merged(const std::vector<std::string>& paths) {
  if (paths.empty()) throw Error(ErrorKind::kUsage, "no input file given");
  std::vector<std::unique_ptr<PacketSource>> sources;
  for (const std::string& p : paths) sources.push_back(PacketSource::open_file(p));
  if (sources.size() == 1) return std::move(sources.front());
  return std::make_unique<MergedSource>(std::move(sources));
}

}  // namespace nta
