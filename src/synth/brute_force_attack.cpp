#include "synth/brute_force_attack.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "synth/app_payloads.h"
#include "synth/attack_payloads.h"
#include "synth/attack_tcp.h"

namespace nta {
namespace {

using attack_time::kMs;
using attack_time::kSec;
using attack_time::kUs;

constexpr std::string_view kUsers[] = {"root", "admin",  "administrator", "user",
                                       "test", "ubuntu", "ftp",           "guest"};
constexpr std::string_view kPasswords[] = {
    "123456", "password", "admin",    "12345678", "qwerty", "123456789", "letmein", "1234",     "welcome",
    "abc123", "Passw0rd", "changeme", "root",     "toor",   "P@ssw0rd",  "111111",  "iloveyou", "dragon",
};

template <typename Writer>
void append_written(std::vector<std::uint8_t>& out, SessionContext& ctx, Writer write) {
  const std::size_t n = write(ctx.scratch);
  append_bytes(out, ctx.scratch.first(n));
}
// An encrypted SSH packet (chacha20-poly1305: length, padded payload, tag) of `size` bytes.
void append_ssh_encrypted(std::vector<std::uint8_t>& out, SessionContext& ctx, std::size_t size) {
  append_bytes(out, ctx.random_bytes(size));
}

// Who guesses, against whom, with what: shared by all connections of one attack.
struct Campaign {
  AttackKind kind;
  TcpEnd attacker;  // port filled per connection
  TcpEnd victim;
  std::uint16_t vlan = 0;
  std::string_view user;
  std::string_view client_banner;
  std::string_view server_banner;
  std::string host_name;  // RDP: the name the client puts in TLS SNI
  std::size_t next_password = 0;
};

// ---- SSH ---------------------------------------------------------------------------------------

class SshGuess final : public ScriptedTcpSession {
 public:
  SshGuess(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng, const Campaign& c,
           std::string_view password)
      : ScriptedTcpSession(client, server, vlan, rng),
        client_banner_(c.client_banner),
        server_banner_(c.server_banner),
        password_(password),
        user_size_(c.user.size()) {}

 protected:
  ScriptStep next_step(SessionContext& ctx) override {
    Rng& rng = ctx.rng;
    const auto quick = [&rng] { return rng.between(40 * kUs, 400 * kUs); };
    switch (stage_++) {
      case 0:
        append_text(composed_, client_banner_);
        return {TcpSide::kClient, composed_size(), quick()};
      case 1:
        append_text(composed_, server_banner_);
        return {TcpSide::kServer, composed_size(), rng.between(1 * kMs, 3 * kMs)};
      case 2:
        append_written(composed_, ctx,
                       [&](std::span<std::uint8_t> out) { return write_ssh_kexinit(out, true, rng); });
        return {TcpSide::kServer, composed_size(), quick()};
      case 3:
        append_written(composed_, ctx,
                       [&](std::span<std::uint8_t> out) { return write_ssh_kexinit(out, false, rng); });
        return {TcpSide::kClient, composed_size(), quick()};
      case 4:
        append_written(composed_, ctx,
                       [&](std::span<std::uint8_t> out) { return write_ssh_ecdh_init(out, rng); });
        return {TcpSide::kClient, composed_size(), quick()};
      case 5:
        append_written(composed_, ctx,
                       [&](std::span<std::uint8_t> out) { return write_ssh_ecdh_reply(out, rng); });
        return {TcpSide::kServer, composed_size(), rng.between(1 * kMs, 4 * kMs)};
      case 6:  // NEWKEYS, then the first encrypted packet: ssh-userauth service request
        append_written(composed_, ctx,
                       [&](std::span<std::uint8_t> out) { return write_ssh_newkeys(out, rng); });
        append_ssh_encrypted(composed_, ctx, 52);
        return {TcpSide::kClient, composed_size(), quick()};
      case 7:  // service accept
        append_ssh_encrypted(composed_, ctx, 52);
        return {TcpSide::kServer, composed_size(), quick()};
      case 8: {  // userauth request "password": user, service, method and password, padded to 8
        const std::size_t plain = 4 + 1 + 4 + user_size_ + 4 + 14 + 4 + 8 + 1 + 4 + password_.size();
        append_ssh_encrypted(composed_, ctx, 4 + (plain + 4 + 7) / 8 * 8 + 16);
        return {TcpSide::kClient, composed_size(), rng.between(2 * kMs, 20 * kMs)};
      }
      case 9:  // userauth failure, after the PAM failure delay
        append_ssh_encrypted(composed_, ctx, 52);
        return {TcpSide::kServer, composed_size(), rng.between(1800 * kMs, 2400 * kMs)};
      case 10:  // disconnect
        append_ssh_encrypted(composed_, ctx, 68);
        return {TcpSide::kClient, composed_size(), quick()};
      default:
        return {TcpSide::kClient, 0, quick(), TcpClose::kClientFin};
    }
  }

 private:
  std::string_view client_banner_;
  std::string_view server_banner_;
  std::string_view password_;
  std::size_t user_size_;
  int stage_ = 0;
};

// ---- FTP ---------------------------------------------------------------------------------------

class FtpGuess final : public ScriptedTcpSession {
 public:
  FtpGuess(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng, std::string_view user,
           std::size_t first_password, int tries)
      : ScriptedTcpSession(client, server, vlan, rng),
        user_(user),
        password_(first_password),
        tries_(tries) {}

 protected:
  ScriptStep next_step(SessionContext& ctx) override {
    Rng& rng = ctx.rng;
    const auto quick = [&rng] { return rng.between(80 * kUs, 600 * kUs); };
    if (stage_ == 0) {
      ++stage_;
      append_text(composed_, "220 (vsFTPd 3.0.5)\r\n");
      return {TcpSide::kServer, composed_size(), rng.between(300 * kUs, 1 * kMs)};
    }
    // Each try: USER, 331, PASS, 530 after vsftpd's one-second delay_failed_login.
    const int phase = (stage_ - 1) % 4;
    const int attempt = (stage_ - 1) / 4;
    if (attempt < tries_) {
      ++stage_;
      switch (phase) {
        case 0:
          append_text(composed_, fmt::format("USER {}\r\n", user_));
          return {TcpSide::kClient, composed_size(), quick()};
        case 1:
          append_text(composed_, "331 Please specify the password.\r\n");
          return {TcpSide::kServer, composed_size(), rng.between(100 * kUs, 400 * kUs)};
        case 2: {
          const std::string_view pw = kPasswords[password_++ % std::size(kPasswords)];
          append_text(composed_, fmt::format("PASS {}\r\n", pw));
          return {TcpSide::kClient, composed_size(), quick()};
        }
        default:
          append_text(composed_, "530 Login incorrect.\r\n");
          return {TcpSide::kServer, composed_size(), rng.between(1000 * kMs, 1050 * kMs)};
      }
    }
    // vsftpd hangs up after three failures; before that the client says goodbye.
    if (tries_ == 3) return {TcpSide::kServer, 0, quick(), TcpClose::kServerFin};
    switch (quit_++) {
      case 0:
        append_text(composed_, "QUIT\r\n");
        return {TcpSide::kClient, composed_size(), quick()};
      case 1:
        append_text(composed_, "221 Goodbye.\r\n");
        return {TcpSide::kServer, composed_size(), rng.between(100 * kUs, 300 * kUs)};
      default:
        return {TcpSide::kServer, 0, rng.between(50 * kUs, 200 * kUs), TcpClose::kServerFin};
    }
  }

 private:
  std::string_view user_;
  std::size_t password_;
  int tries_;
  int stage_ = 0;
  int quit_ = 0;
};

// ---- RDP ---------------------------------------------------------------------------------------

// TPKT (RFC 1006) + X.224 connection request with the mstshash cookie and an RDP negotiation
// request for TLS, CredSSP and early user authorization (MS-RDPBCGR 2.2.1.1).
void append_x224_request(std::vector<std::uint8_t>& out, std::string_view user) {
  const std::string cookie = fmt::format("Cookie: mstshash={}\r\n", user);
  const std::size_t total = 4 + 7 + cookie.size() + 8;
  const std::uint8_t tpkt[4] = {3, 0, static_cast<std::uint8_t>(total >> 8),
                                static_cast<std::uint8_t>(total)};
  const std::uint8_t x224[7] = {static_cast<std::uint8_t>(total - 5), 0xe0, 0, 0, 0, 0, 0};
  const std::uint8_t neg[8] = {0x01, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00};
  append_bytes(out, tpkt);
  append_bytes(out, x224);
  append_text(out, cookie);
  append_bytes(out, neg);
}

// X.224 connection confirm with the server's choice: CredSSP (MS-RDPBCGR 2.2.1.2).
void append_x224_confirm(std::vector<std::uint8_t>& out, std::uint16_t src_ref) {
  const std::uint8_t pdu[19] = {3,
                                0,
                                0,
                                19,
                                14,
                                0xd0,
                                0,
                                0,
                                static_cast<std::uint8_t>(src_ref >> 8),
                                static_cast<std::uint8_t>(src_ref),
                                0,
                                0x02,
                                0x1f,
                                0x08,
                                0x00,
                                0x02,
                                0,
                                0,
                                0};
  append_bytes(out, pdu);
}

class RdpGuess final : public ScriptedTcpSession {
 public:
  RdpGuess(const TcpEnd& client, const TcpEnd& server, std::uint16_t vlan, Rng& rng, const Campaign& c)
      : ScriptedTcpSession(client, server, vlan, rng), user_(c.user), host_name_(c.host_name) {
    rng.fill(session_id_);
  }

 protected:
  ScriptStep next_step(SessionContext& ctx) override {
    Rng& rng = ctx.rng;
    const auto quick = [&rng] { return rng.between(50 * kUs, 500 * kUs); };
    switch (stage_++) {
      case 0:
        append_x224_request(composed_, user_);
        return {TcpSide::kClient, composed_size(), quick()};
      case 1:
        append_x224_confirm(composed_, rng.next_u16());
        return {TcpSide::kServer, composed_size(), rng.between(300 * kUs, 2 * kMs)};
      case 2:
        append_client_hello(composed_, ctx, host_name_, session_id_);
        return {TcpSide::kClient, composed_size(), quick()};
      case 3:  // ServerHello, ChangeCipherSpec, the encrypted flight with a self-signed certificate
        append_server_flight(composed_, ctx, session_id_, static_cast<std::size_t>(rng.between(1050, 1250)));
        return {TcpSide::kServer, composed_size(), rng.between(1 * kMs, 3 * kMs)};
      case 4: {  // ChangeCipherSpec, Finished, then the CredSSP TSRequest with NTLM NEGOTIATE
        append_client_finished(composed_, ctx);
        append_tls_record(composed_, ctx, tls::kApplicationData,
                          static_cast<std::size_t>(rng.between(70, 90)));
        return {TcpSide::kClient, composed_size(), quick()};
      }
      case 5:  // NTLM CHALLENGE
        append_tls_record(composed_, ctx, tls::kApplicationData,
                          static_cast<std::size_t>(rng.between(260, 330)));
        return {TcpSide::kServer, composed_size(), rng.between(1 * kMs, 4 * kMs)};
      case 6:  // NTLM AUTHENTICATE with the guessed password's response
        append_tls_record(composed_, ctx, tls::kApplicationData,
                          static_cast<std::size_t>(rng.between(520, 640)));
        return {TcpSide::kClient, composed_size(), rng.between(1 * kMs, 6 * kMs)};
      case 7:  // TSRequest carrying STATUS_LOGON_FAILURE
        append_tls_record(composed_, ctx, tls::kApplicationData, 39);
        return {TcpSide::kServer, composed_size(), rng.between(150 * kMs, 450 * kMs)};
      default:
        return {TcpSide::kServer, 0, rng.between(100 * kUs, 2 * kMs), TcpClose::kServerFin};
    }
  }

 private:
  std::string_view user_;
  std::string host_name_;
  TlsSessionId session_id_{};
  int stage_ = 0;
};

// Starts one guessing connection after another, each from a new source port.
class GuessingRun final : public Session {
 public:
  GuessingRun(Campaign campaign, double per_second, int attempts, Rng& rng)
      : campaign_(std::move(campaign)),
        mean_gap_ns_(1e9 / per_second),
        left_(attempts),
        port_(static_cast<std::uint16_t>(rng.between(32768, 60999))) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    if (left_ <= 0) return {0, kNever};
    TcpEnd client = campaign_.attacker;
    client.port = next_port();
    std::unique_ptr<Session> s;
    switch (campaign_.kind) {
      case AttackKind::kBruteForceSsh: {
        const std::string_view pw = kPasswords[campaign_.next_password++ % std::size(kPasswords)];
        s = std::make_unique<SshGuess>(client, campaign_.victim, campaign_.vlan, rng, campaign_, pw);
        break;
      }
      case AttackKind::kBruteForceFtp: {
        const int tries = static_cast<int>(rng.between(1, 3));
        s = std::make_unique<FtpGuess>(client, campaign_.victim, campaign_.vlan, rng, campaign_.user,
                                       campaign_.next_password, tries);
        campaign_.next_password += static_cast<std::size_t>(tries);
        break;
      }
      default:
        s = std::make_unique<RdpGuess>(client, campaign_.victim, campaign_.vlan, rng, campaign_);
        break;
    }
    ctx.spawn(std::move(s), now_ns);
    --left_;
    // Several tasks guess in parallel, so starts are close to a Poisson stream.
    const auto gap = static_cast<std::int64_t>(rng.exponential(0.8 * mean_gap_ns_) + 0.2 * mean_gap_ns_);
    return {0, now_ns + gap};
  }

 private:
  std::uint16_t next_port() noexcept {
    if (port_ < 32768 || port_ >= 60999) port_ = 32768;
    return port_++;
  }

  Campaign campaign_;
  double mean_gap_ns_;
  int left_;
  std::uint16_t port_;
};

}  // namespace

AttackScenario make_brute_force(const AttackSetup& setup, Rng& rng) {
  Network& net = *setup.network;
  Host& victim = *setup.victim;
  Campaign c;
  c.kind = setup.kind;
  c.vlan = victim.vlan;
  c.user = kUsers[rng.below(std::size(kUsers))];
  c.next_password = static_cast<std::size_t>(rng.below(std::size(kPasswords)));
  double rate = kSshGuessesPerSecond;
  AttackScenario s;
  switch (setup.kind) {
    case AttackKind::kBruteForceSsh: {
      static constexpr std::string_view kBotBanners[] = {"SSH-2.0-libssh_0.9.6\r\n", "SSH-2.0-Go\r\n",
                                                         "SSH-2.0-libssh2_1.10.0\r\n"};
      c.client_banner = kBotBanners[rng.below(std::size(kBotBanners))];
      c.server_banner = kSshServerBanners[rng.below(2)];
      c.attacker =
          outside_end(net, setup.outside, 0, internet_linux_stack(rng), rng.between(40 * kMs, 120 * kMs));
      c.victim = lan_end(victim, 22);
      s.attackers = {setup.outside};
      break;
    }
    case AttackKind::kBruteForceFtp:
      rate = kFtpConnectionsPerSecond;
      c.attacker = lan_end(*setup.attacker, 0);
      c.victim = lan_end(victim, 21);
      s.attackers = {setup.attacker->ipv4};
      break;
    default:
      rate = kRdpGuessesPerSecond;
      c.user = "administrator";
      c.attacker =
          outside_end(net, setup.outside, 0, internet_windows_stack(rng), rng.between(40 * kMs, 120 * kMs));
      c.victim = lan_end(victim, 3389);
      c.host_name = fmt::format(
          "DESKTOP-{:07X}",
          (victim.mac.bytes[3] << 16 | victim.mac.bytes[4] << 8 | victim.mac.bytes[5]) * 7 % 0xfffffff);
      s.attackers = {setup.outside};
      break;
  }
  const double seconds = static_cast<double>(setup.duration_ns) / 1e9;
  const int attempts = std::max(12, static_cast<int>(std::lround(rate * seconds)));
  // Squeeze the attempts into the planned time when it is short.
  rate = std::max(rate, attempts / std::max(seconds, 0.5));
  s.detail = fmt::format("{} connections, user '{}'", attempts, c.user);
  s.session = std::make_unique<GuessingRun>(std::move(c), rate, attempts, rng);
  s.victims = {victim.ipv4};
  return s;
}

}  // namespace nta
