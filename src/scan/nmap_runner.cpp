#include "scan/nmap_runner.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "core/error.h"

extern char** environ;

namespace nta {
namespace {

constexpr std::size_t kMaxPortSpec = 1024;
constexpr std::size_t kMaxStderr = 64 * 1024;

bool parse_port_number(std::string_view s, unsigned& out) noexcept {
  if (s.empty() || s.size() > 5) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && out <= 65535;
}

// Calls f(prefix, item) for each comma-separated item; prefix is 'T', 'U' or 0 (none yet).
template <typename F>
void for_each_port_item(std::string_view spec, F&& f) {
  char prefix = 0;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    std::size_t comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(pos, comma - pos);
    if (item.size() >= 2 && item[1] == ':') {
      prefix = item[0];
      item.remove_prefix(2);
    }
    f(prefix, item);
    pos = comma + 1;
  }
}

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() noexcept { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::optional<ScanProfile> parse_scan_profile(std::string_view text) noexcept {
  if (text == "quick") return ScanProfile::kQuick;
  if (text == "standard") return ScanProfile::kStandard;
  if (text == "full") return ScanProfile::kFull;
  return std::nullopt;
}

std::string_view to_string(ScanProfile p) noexcept {
  switch (p) {
    case ScanProfile::kQuick: return "quick";
    case ScanProfile::kStandard: return "standard";
    case ScanProfile::kFull: return "full";
  }
  return "standard";
}

void validate_port_spec(std::string_view spec) {
  auto refuse = [&](std::string_view why) {
    std::string shown;
    for (char c : spec.substr(0, 60)) {
      const auto b = static_cast<unsigned char>(c);
      shown += b >= 0x20 && b < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", b);
    }
    throw Error(ErrorKind::kUsage, fmt::format("port list '{}{}' refused: {}", shown, spec.size() > 60 ? "..." : "", why));
  };
  if (spec.empty()) refuse("it is empty");
  if (spec.size() > kMaxPortSpec) refuse(fmt::format("it is longer than {} characters", kMaxPortSpec));
  if (spec == "-") return;
  for (char c : spec) {
    if (!((c >= '0' && c <= '9') || c == ',' || c == '-' || c == ':' || c == 'T' || c == 'U')) {
      refuse("only digits, ',', '-' and the prefixes T: and U: are allowed");
    }
  }
  for_each_port_item(spec, [&](char prefix, std::string_view item) {
    if (prefix != 0 && prefix != 'T' && prefix != 'U') refuse("the only prefixes are T: (TCP) and U: (UDP)");
    if (item.empty()) refuse("it has an empty item (two commas in a row, or a trailing comma)");
    const std::size_t dash = item.find('-');
    unsigned first = 0;
    unsigned last = 0;
    if (dash == std::string_view::npos) {
      if (!parse_port_number(item, first)) refuse(fmt::format("'{}' is not a port number 0..65535", item));
    } else if (!parse_port_number(item.substr(0, dash), first) || !parse_port_number(item.substr(dash + 1), last)) {
      refuse(fmt::format("'{}' is not a range N-M of ports 0..65535", item));
    } else if (first > last) {
      refuse(fmt::format("the range '{}' runs backwards", item));
    }
  });
}

bool port_spec_has_udp(std::string_view spec) noexcept { return spec.find("U:") != std::string_view::npos; }

bool port_spec_has_tcp(std::string_view spec) noexcept {
  bool tcp = false;
  for_each_port_item(spec, [&](char prefix, std::string_view) { tcp = tcp || prefix != 'U'; });
  return tcp;
}

NmapPlan plan_nmap(const NmapCommand& command) {
  if (command.targets.empty()) throw Error(ErrorKind::kUsage, "scan needs at least one target");
  const bool v6 = command.targets.front().family() == IpFamily::kV6;
  for (const ScanTarget& t : command.targets) {
    if ((t.family() == IpFamily::kV6) != v6) {
      throw Error(ErrorKind::kUsage, "nmap scans IPv4 and IPv6 targets in separate runs; give one family per command");
    }
  }
  NmapPlan plan;
  std::vector<std::string>& a = plan.argv;
  a.emplace_back("nmap");
  const bool own_ports = !command.ports.empty();
  switch (command.profile) {
    case ScanProfile::kQuick:
      a.emplace_back("-T4");
      if (!own_ports) a.emplace_back("-F");
      break;
    case ScanProfile::kStandard:
      a.insert(a.end(), {"-sV", "-T4"});
      break;
    case ScanProfile::kFull:
      a.emplace_back("-sV");
      if (command.privileged) {
        a.emplace_back("-O");
      } else {
        plan.notes.emplace_back("OS detection (-O) needs root; the full profile runs without it");
      }
      a.emplace_back("-T4");
      if (!own_ports) a.emplace_back("-p-");
      break;
  }
  if (own_ports) {
    validate_port_spec(command.ports);
    if (port_spec_has_udp(command.ports)) {
      if (!command.privileged) {
        throw Error(ErrorKind::kUsage, "UDP ports (U:) need root: nmap's UDP scan (-sU) sends raw packets");
      }
      a.emplace_back("-sU");
      if (port_spec_has_tcp(command.ports)) a.emplace_back("-sS");
    }
    a.push_back("-p" + command.ports);
  }
  if (v6) a.emplace_back("-6");
  a.emplace_back("--noninteractive");
  a.emplace_back("-oX");
  a.push_back(command.xml_path.string());
  // Targets never start with '-' (validated), and "--" ends nmap's options in any case.
  a.emplace_back("--");
  for (const ScanTarget& t : command.targets) a.push_back(t.text());
  return plan;
}

NmapRunResult run_program(const std::vector<std::string>& argv) {
  if (argv.empty()) throw Error(ErrorKind::kUsage, "no program to run");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(ErrorKind::kIo, fmt::format("cannot create a pipe for {}: {}", argv[0], std::strerror(errno)));
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);

  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), STDERR_FILENO);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);

  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], actions.get(), nullptr, args.data(), environ);
  if (rc == ENOENT) {
    throw Error(ErrorKind::kNotFound,
                fmt::format("{} is not installed (not found on PATH): install it (Debian: apt-get install {}), or "
                            "import an existing scan with 'nta assets import FILE.xml'",
                            argv[0], argv[0]));
  }
  if (rc != 0) throw Error(ErrorKind::kIo, fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
  write_end.reset();

  NmapRunResult result;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const std::size_t room = kMaxStderr - std::min(kMaxStderr, result.stderr_text.size());
    result.stderr_text.append(buf, std::min(room, static_cast<std::size_t>(n)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorKind::kIo, fmt::format("waiting for {} failed: {}", argv[0], std::strerror(errno)));
  }
  if (WIFEXITED(status)) {
    result.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace nta
