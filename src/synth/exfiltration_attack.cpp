#include "synth/exfiltration_attack.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "synth/attack_payloads.h"
#include "synth/attack_tcp.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kUs;

// A full TLS record: 16 KB of plaintext, the content type and the AEAD tag.
constexpr std::uint32_t kRecordBody = 16384 + 1 + 16;
constexpr std::uint32_t kRecord = static_cast<std::uint32_t>(kTlsRecordHeader) + kRecordBody;

constexpr std::string_view kDropNames[] = {"upload.files-sync.example", "api.backup-store.example",
                                           "storage.cloud-drive.example"};

class Upload final : public ScriptedTcpSession {
 public:
  Upload(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng, std::uint32_t bytes,
         std::uint64_t uplink_bps, std::string_view server_name)
      : ScriptedTcpSession(client, server, vlan, rng),
        bytes_(bytes),
        uplink_bps_(uplink_bps),
        server_name_(server_name) {
    rng.fill(session_id_);
    // Whole records, the last one at least an AEAD record's minimum.
    const std::uint32_t tail = bytes_ % kRecord;
    if (tail != 0 && tail < kTlsMinRecord) bytes_ += static_cast<std::uint32_t>(kTlsMinRecord) - tail;
  }

 protected:
  ScriptStep next_step(SessionContext& ctx) override {
    Rng& rng = ctx.rng;
    uploading_ = false;
    switch (stage_++) {
      case 0:
        append_client_hello(composed_, ctx, server_name_, session_id_);
        return {TcpSide::kClient, composed_size(), rng.between(60 * kUs, 500 * kUs)};
      case 1:
        append_server_flight(composed_, ctx, session_id_, static_cast<std::size_t>(rng.between(2400, 3600)));
        return {TcpSide::kServer, composed_size(), rng.between(1 * kMs, 4 * kMs)};
      case 2:  // Finished and the upload request's headers
        append_client_finished(composed_, ctx);
        append_tls_record(composed_, ctx, tls::kApplicationData,
                          static_cast<std::size_t>(rng.between(280, 420)));
        return {TcpSide::kClient, composed_size(), rng.between(200 * kUs, 2 * kMs)};
      case 3:
        uploading_ = true;
        return {TcpSide::kClient, bytes_, rng.between(50 * kUs, 300 * kUs), TcpClose::kNone, uplink_bps_};
      case 4:  // "201 Created", after the server stored it
        append_tls_record(composed_, ctx, tls::kApplicationData,
                          static_cast<std::size_t>(rng.between(140, 260)));
        return {TcpSide::kServer, composed_size(), rng.between(20 * kMs, 200 * kMs)};
      case 5:  // close_notify
        append_tls_record(composed_, ctx, tls::kApplicationData, 19);
        return {TcpSide::kClient, composed_size(), rng.between(1 * kMs, 30 * kMs)};
      default:
        return {TcpSide::kClient, 0, rng.between(20 * kUs, 100 * kUs), TcpClose::kClientFin};
    }
  }

  void fill(SessionContext& ctx, std::uint32_t offset, std::span<std::uint8_t> out) override {
    if (!uploading_) {
      ScriptedTcpSession::fill(ctx, offset, out);
      return;
    }
    // The upload as back-to-back application-data records; any slice of it can be written.
    std::size_t done = 0;
    while (done < out.size()) {
      const std::uint32_t at = offset + static_cast<std::uint32_t>(done);
      const std::uint32_t record_start = at / kRecord * kRecord;
      const std::uint32_t record_len = std::min(kRecord, bytes_ - record_start);
      const std::uint32_t pos = at - record_start;
      const std::size_t n = std::min<std::size_t>(out.size() - done, record_len - pos);
      if (pos < kTlsRecordHeader) {
        const std::uint32_t body = record_len - static_cast<std::uint32_t>(kTlsRecordHeader);
        const std::uint8_t header[kTlsRecordHeader] = {tls::kApplicationData, 3, 3,
                                                       static_cast<std::uint8_t>(body >> 8),
                                                       static_cast<std::uint8_t>(body)};
        const std::size_t h = std::min<std::size_t>(n, kTlsRecordHeader - pos);
        std::memcpy(out.data() + done, header + pos, h);
        const std::span<const std::uint8_t> noise = ctx.random_bytes(n - h);
        std::memcpy(out.data() + done + h, noise.data(), noise.size());
      } else {
        const std::span<const std::uint8_t> noise = ctx.random_bytes(n);
        std::memcpy(out.data() + done, noise.data(), n);
      }
      done += n;
    }
  }

 private:
  std::uint32_t bytes_;
  std::uint64_t uplink_bps_;
  std::string_view server_name_;
  TlsSessionId session_id_{};
  int stage_ = 0;
  bool uploading_ = false;
};

}  // namespace

AttackScenario make_exfiltration(const AttackSetup& setup, Rng& rng) {
  Host& host = *setup.attacker;
  PortCounter ports(host, rng);
  const TcpEnd client = lan_end(host, ports.next());
  TcpStack stack = internet_linux_stack(rng);
  stack.window = 2000;  // a server taking an upload advertises a large window
  const TcpEnd server =
      outside_end(*setup.network, setup.outside, 443, stack, rng.between(20 * kMs, 60 * kMs));
  const auto bytes = static_cast<std::uint32_t>(static_cast<double>(kExfiltrationBytes) * setup.volume);
  const auto uplink = static_cast<std::uint64_t>(rng.between(30, 60)) * 1'000'000;
  AttackScenario s;
  s.detail = fmt::format("{:.1f} MB up at {} Mbit/s", static_cast<double>(bytes) / 1e6, uplink / 1'000'000);
  s.session = std::make_unique<Upload>(client, server, host.vlan, rng, bytes, uplink,
                                       kDropNames[rng.below(std::size(kDropNames))]);
  s.attackers = {host.ipv4};
  s.victims = {setup.outside};
  return s;
}

}  // namespace nta
