#include "ml/model_file.h"

#include <fmt/core.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>

#include "core/error.h"

namespace nta {
namespace {

constexpr std::string_view kMagic = "NTAMODEL";
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;  // magic, version, reserved, payload length
constexpr std::size_t kChecksumBytes = 8;
constexpr std::size_t kNodeBytes = 8 + 4 + 4 + 4;
constexpr std::uint32_t kMaxStringBytes = 1U << 20;

// FNV-1a, 64 bits.
std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

class Writer {
 public:
  void u32(std::uint32_t v) { put_le(v, 4); }
  void u64(std::uint64_t v) { put_le(v, 8); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  void put_le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
  }
  std::string out_;
};

// Bounds-checked little-endian reads over the payload; running off the end is an inconsistency
// (the checksum passed, so the length fields themselves lie).
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& path) : bytes_(bytes), path_(path) {}
  std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(get_le(4, what)); }
  std::uint64_t u64(const char* what) { return get_le(8, what); }
  double f64(const char* what) { return std::bit_cast<double>(get_le(8, what)); }
  std::string str(const char* what) {
    const std::uint32_t n = u32(what);
    if (n > kMaxStringBytes || n > remaining()) fail(fmt::format("{} is {} bytes long", what, n));
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(ErrorKind::kInput, fmt::format("model '{}' is inconsistent: {}", path_, why));
  }

 private:
  std::uint64_t get_le(std::size_t n, const char* what) {
    if (remaining() < n) fail(fmt::format("it ends inside {}", what));
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
  const std::string& path_;
};

std::string read_whole_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, fmt::format("cannot open model '{}': {}", path, std::strerror(errno)));
  std::string data;
  char chunk[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(chunk, 1, sizeof chunk, f.get());
    data.append(chunk, n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(f.get())) throw Error(ErrorKind::kIo, fmt::format("cannot read model '{}'", path));
  return data;
}

}  // namespace

std::vector<FeatureStats> compute_feature_stats(MatrixView x) {
  std::vector<FeatureStats> stats(x.cols);
  if (x.rows == 0) return stats;
  std::vector<double> sum(x.cols, 0.0);
  for (std::size_t c = 0; c < x.cols; ++c) stats[c].min = stats[c].max = x.data[c];
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double* row = x.data + r * x.cols;
    for (std::size_t c = 0; c < x.cols; ++c) {
      stats[c].min = std::min(stats[c].min, row[c]);
      stats[c].max = std::max(stats[c].max, row[c]);
      sum[c] += row[c];
    }
  }
  const double n = static_cast<double>(x.rows);
  std::vector<double> squares(x.cols, 0.0);
  for (std::size_t c = 0; c < x.cols; ++c) stats[c].mean = sum[c] / n;
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double* row = x.data + r * x.cols;
    for (std::size_t c = 0; c < x.cols; ++c) {
      const double d = row[c] - stats[c].mean;
      squares[c] += d * d;
    }
  }
  for (std::size_t c = 0; c < x.cols; ++c) stats[c].stddev = std::sqrt(squares[c] / n);
  return stats;
}

void save_model(const std::string& path, const ModelFile& m) {
  const IsolationForest& f = m.forest;
  if (f.trees() == 0) throw Error(ErrorKind::kUsage, "cannot save a model with no trees (fit it first)");
  if (m.feature_names.size() != f.features() || m.feature_stats.size() != f.features()) {
    throw Error(ErrorKind::kUsage, fmt::format("model has {} features but {} names and {} statistics",
                                               f.features(), m.feature_names.size(), m.feature_stats.size()));
  }
  for (const std::string* s : {&m.schema_id, &m.description}) {
    if (s->size() > kMaxStringBytes)
      throw Error(ErrorKind::kUsage, "model schema id or description is too long");
  }

  Writer p;  // the payload
  p.u32(f.params().trees);
  p.u32(f.params().sample_size);
  p.u64(f.params().seed);
  p.u32(f.sample_size_used());
  p.u32(static_cast<std::uint32_t>(f.features()));
  p.u64(m.training_rows);
  p.str(m.schema_id);
  p.str(m.description);
  for (std::size_t c = 0; c < f.features(); ++c) {
    if (m.feature_names[c].size() > kMaxStringBytes)
      throw Error(ErrorKind::kUsage, "a feature name is too long");
    p.str(m.feature_names[c]);
    p.f64(m.feature_stats[c].min);
    p.f64(m.feature_stats[c].max);
    p.f64(m.feature_stats[c].mean);
    p.f64(m.feature_stats[c].stddev);
  }
  p.u32(f.trees());
  for (const std::uint32_t start : f.tree_starts()) p.u32(start);
  p.u32(static_cast<std::uint32_t>(f.nodes().size()));
  for (std::size_t i = 0; i < f.nodes().size(); ++i) {
    p.f64(f.nodes()[i].value);
    p.u32(f.nodes()[i].feature);
    p.u32(f.nodes()[i].next);
    p.u32(f.node_sizes()[i]);
  }

  Writer file;
  file.bytes().append(kMagic);
  file.u32(kModelFormatVersion);
  file.u32(0);  // reserved
  file.u64(p.bytes().size());
  file.bytes().append(p.bytes());
  file.u64(fnv1a64(std::string_view(file.bytes()).substr(kMagic.size())));

  const std::string temp = path + ".tmp";
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr)
    throw Error(ErrorKind::kIo, fmt::format("cannot write model '{}': {}", temp, std::strerror(errno)));
  const bool written = std::fwrite(file.bytes().data(), 1, file.bytes().size(), out) == file.bytes().size();
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(temp.c_str());
    throw Error(ErrorKind::kIo, fmt::format("cannot write model '{}': {}", path, std::strerror(err)));
  }
}

ModelFile load_model(const std::string& path) {
  const std::string data = read_whole_file(path);
  const auto input_error = [&](const std::string& why) {
    return Error(ErrorKind::kInput, fmt::format("model '{}' {}", path, why));
  };
  if (data.size() < kMagic.size() || std::string_view(data).substr(0, kMagic.size()) != kMagic)
    throw input_error("is not an nta model file (it does not start with NTAMODEL)");
  if (data.size() < kHeaderBytes)
    throw input_error(
        fmt::format("is truncated: {} bytes, shorter than the {}-byte header", data.size(), kHeaderBytes));
  Reader header(std::string_view(data).substr(kMagic.size(), kHeaderBytes - kMagic.size()), path);
  const std::uint32_t version = header.u32("version");
  if (version != kModelFormatVersion) {
    throw input_error(fmt::format("has format version {}; this nta reads version {} (refit the model)",
                                  version, kModelFormatVersion));
  }
  (void)header.u32("reserved");
  const std::uint64_t payload_bytes = header.u64("payload length");
  const std::size_t available = data.size() - kHeaderBytes;
  if (payload_bytes > std::numeric_limits<std::size_t>::max() - kChecksumBytes ||
      available < payload_bytes + kChecksumBytes) {
    throw input_error(fmt::format("is truncated: {} bytes, expected {}", data.size(),
                                  kHeaderBytes + payload_bytes + kChecksumBytes));
  }
  if (available > payload_bytes + kChecksumBytes)
    throw input_error(
        fmt::format("has {} unexpected bytes after its end", available - payload_bytes - kChecksumBytes));
  const std::string_view checked =
      std::string_view(data).substr(kMagic.size(), kHeaderBytes - kMagic.size() + payload_bytes);
  Reader tail(std::string_view(data).substr(kHeaderBytes + payload_bytes), path);
  if (tail.u64("checksum") != fnv1a64(checked)) throw input_error("is damaged: its checksum does not match");

  Reader r(std::string_view(data).substr(kHeaderBytes, payload_bytes), path);
  ForestParams params;
  params.trees = r.u32("the tree count");
  params.sample_size = r.u32("the sample size");
  params.seed = r.u64("the seed");
  const std::uint32_t psi = r.u32("the sample size used");
  const std::uint32_t features = r.u32("the feature count");
  if (psi > params.sample_size)
    r.fail(fmt::format("sample size used {} exceeds the sample size {}", psi, params.sample_size));
  ModelFile m;
  m.training_rows = r.u64("the training row count");
  m.schema_id = r.str("the schema id");
  m.description = r.str("the description");
  // Each feature takes at least 36 bytes; refuse counts the payload cannot hold before allocating.
  if (features == 0 || features > r.remaining() / 36) r.fail(fmt::format("bad feature count {}", features));
  m.feature_names.reserve(features);
  m.feature_stats.reserve(features);
  for (std::uint32_t c = 0; c < features; ++c) {
    m.feature_names.push_back(r.str("a feature name"));
    FeatureStats s;
    s.min = r.f64("feature statistics");
    s.max = r.f64("feature statistics");
    s.mean = r.f64("feature statistics");
    s.stddev = r.f64("feature statistics");
    m.feature_stats.push_back(s);
  }
  const std::uint32_t trees = r.u32("the tree count");
  if (trees == 0 || trees != params.trees || trees > r.remaining() / 4)
    r.fail(fmt::format("bad tree count {} (parameters say {})", trees, params.trees));
  std::vector<std::uint32_t> starts(trees);
  for (std::uint32_t& s : starts) s = r.u32("the tree table");
  const std::uint32_t node_count = r.u32("the node count");
  if (node_count != r.remaining() / kNodeBytes || r.remaining() % kNodeBytes != 0)
    r.fail(fmt::format("{} nodes announced, {} bytes of nodes present", node_count, r.remaining()));
  std::vector<ForestNode> nodes(node_count);
  std::vector<std::uint32_t> sizes(node_count);
  for (std::uint32_t i = 0; i < node_count; ++i) {
    nodes[i].value = r.f64("a node");
    nodes[i].feature = r.u32("a node");
    nodes[i].next = r.u32("a node");
    sizes[i] = r.u32("a node");
  }
  try {
    m.forest = IsolationForest::from_parts(params, features, psi, std::move(nodes), std::move(sizes),
                                           std::move(starts));
  } catch (const Error& e) {
    r.fail(e.what());
  }
  return m;
}

}  // namespace nta
