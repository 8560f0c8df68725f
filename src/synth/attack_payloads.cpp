#include "synth/attack_payloads.h"

namespace nta {

void append_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void append_text(std::vector<std::uint8_t>& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

void append_tls_record(std::vector<std::uint8_t>& out, SessionContext& ctx, std::uint8_t type,
                       std::size_t body) {
  const std::size_t at = out.size();
  out.resize(at + kTlsRecordHeader + body);
  write_tls_record(std::span<std::uint8_t>(out).subspan(at), type, ctx.random_bytes(body));
}

void append_client_hello(std::vector<std::uint8_t>& out, SessionContext& ctx, std::string_view server_name,
                         const TlsSessionId& session_id) {
  const std::size_t n = write_tls_client_hello(ctx.scratch, server_name, session_id, ctx.rng);
  append_bytes(out, ctx.scratch.first(n));
}

void append_server_flight(std::vector<std::uint8_t>& out, SessionContext& ctx, const TlsSessionId& session_id,
                          std::size_t encrypted) {
  const std::size_t n = write_tls_server_hello(ctx.scratch, session_id, ctx.rng);
  append_bytes(out, ctx.scratch.first(n));
  append_tls_record(out, ctx, tls::kApplicationData, encrypted);
}

void append_client_finished(std::vector<std::uint8_t>& out, SessionContext& ctx) {
  constexpr std::uint8_t kCcs[] = {tls::kChangeCipherSpec, 3, 3, 0, 1, 1};
  append_bytes(out, kCcs);
  append_tls_record(out, ctx, tls::kApplicationData, 53);
}

}  // namespace nta
