#pragma once
// The per-flow memory of the application inspector: 4 bytes the flow record keeps by value.
#include <cstdint>

#include "app/service.h"

namespace nta {

// Written only by inspect_app(); read through the accessors. Zero-initialised = a new flow.
struct AppState {
  static constexpr std::uint8_t kStarted = 0x01;    // the first packet was seen (port guess made)
  static constexpr std::uint8_t kOrigDone = 0x02;   // nothing more to read from the originator
  static constexpr std::uint8_t kRespDone = 0x04;   // nothing more to read from the responder
  static constexpr std::uint8_t kByContent = 0x08;  // `service` was identified from the payload

  Service service = Service::kUnknown;  // content-identified, else the port fallback
  std::uint8_t flags = 0;
  std::uint8_t orig_payloads = 0;  // payload-carrying packets inspected, per direction
  std::uint8_t resp_payloads = 0;

  // Inspection is over for this flow: every later packet costs one test and a return.
  [[nodiscard]] bool done() const noexcept {
    return (flags & (kOrigDone | kRespDone)) == (kOrigDone | kRespDone);
  }
  // True when the payload said which service this is; false for a port-table guess (or none).
  [[nodiscard]] bool service_from_content() const noexcept { return (flags & kByContent) != 0; }
};

static_assert(sizeof(AppState) <= 16, "AppState lives in every flow record");

}  // namespace nta
