#pragma once
// Composing whole application messages for scripted attack connections (ScriptedTcpSession's
// composed_ buffer): text, TLS records of stand-in ciphertext, TLS handshake flights.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "synth/app_payloads.h"
#include "synth/session.h"

namespace nta {

void append_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes);
void append_text(std::vector<std::uint8_t>& out, std::string_view text);
// One TLS record: a header and `body` bytes of stand-in ciphertext.
void append_tls_record(std::vector<std::uint8_t>& out, SessionContext& ctx, std::uint8_t type,
                       std::size_t body);
void append_client_hello(std::vector<std::uint8_t>& out, SessionContext& ctx, std::string_view server_name,
                         const TlsSessionId& session_id);
// ServerHello, ChangeCipherSpec and the encrypted rest of the server's flight (`encrypted` bytes
// of record body: certificates, verify, finished).
void append_server_flight(std::vector<std::uint8_t>& out, SessionContext& ctx, const TlsSessionId& session_id,
                          std::size_t encrypted);
// The client's ChangeCipherSpec and Finished, as TLS 1.3 clients send them.
void append_client_finished(std::vector<std::uint8_t>& out, SessionContext& ctx);

}  // namespace nta
