#pragma once
// The one exception type of nta. Packet content never throws (malformed packets are anomalies);
// Error is for I/O, configuration and input files, caught once in the CLI and mapped to an exit code.
#include <stdexcept>
#include <string>

namespace nta {

enum class ErrorKind {
  kUsage,       // wrong flags or arguments                     -> exit 2
  kIo,          // cannot open/read/write a file or interface    -> exit 1
  kPermission,  // not allowed to capture                        -> exit 1
  kNotFound,    // interface, file or program missing            -> exit 1
  kInput,       // an input file is damaged partway through      -> exit 3
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

// Exit statuses, documented in README.md and docs/formats.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDamagedInput = 3;

[[nodiscard]] constexpr int exit_code_for(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kUsage: return kExitUsage;
    case ErrorKind::kInput: return kExitDamagedInput;
    case ErrorKind::kIo:
    case ErrorKind::kPermission:
    case ErrorKind::kNotFound: return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace nta
