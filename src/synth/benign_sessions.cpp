#include "synth/benign_sessions.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "synth/app_payloads.h"
#include "synth/tcp_session.h"

namespace nta {
namespace {

constexpr std::int64_t kUs = 1000;
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSec = 1'000'000'000;

std::int64_t ms_lognormal(Rng& rng, double median_ms, double sigma, double lo_ms, double hi_ms) {
  return static_cast<std::int64_t>(std::clamp(rng.lognormal(median_ms, sigma), lo_ms, hi_ms) * 1e6);
}

std::uint32_t size_lognormal(Rng& rng, double median, double sigma, double lo, double hi) {
  return static_cast<std::uint32_t>(std::clamp(rng.lognormal(median, sigma), lo, hi));
}

EthernetSpec link(const MacAddress& src, const MacAddress& dst, std::uint16_t vlan) {
  return EthernetSpec{.src = src, .dst = dst, .vlan = vlan};
}

// An IPv4/IPv6 header from a LAN host with its stack's TTL and numbering.
IpSpec host_ip(Host& host, const IpAddress& src, const IpAddress& dst, bool dont_fragment) {
  return IpSpec{.src = src,
                .dst = dst,
                .ttl = host.profile().ttl,
                .id = host.ip_id++,
                .dont_fragment = dont_fragment && host.os != HostOs::kWindows};
}

IpSpec peer_ip(const IpAddress& src, const IpAddress& dst, std::uint8_t ttl, Rng& rng) {
  return IpSpec{.src = src, .dst = dst, .ttl = ttl, .id = rng.next_u16(), .dont_fragment = false};
}

// ---- TLS over TCP 443 --------------------------------------------------------------------------

// Grows `size` so that its last segment holds at least `min_tail` bytes: a whole AEAD record for
// TLS, a whole encrypted packet for SSH. Dissectors expect no less.
std::uint32_t fit_tail(std::uint32_t size, std::uint32_t segment, std::uint32_t min_tail) {
  const std::uint32_t tail = size % segment;
  if (tail != 0 && tail < min_tail) size += min_tail - tail;
  return size;
}

std::uint32_t fit_records(std::uint32_t size, std::uint32_t segment) {
  return fit_tail(size, segment, static_cast<std::uint32_t>(kTlsMinRecord));
}

class HttpsSession final : public TcpSession {
 public:
  HttpsSession(const TcpEndpoints& ends, std::string_view server_name, Rng& rng)
      : TcpSession(ends, rng), server_name_(server_name) {
    rng.fill(session_id_);
    // One to several requests on the connection (HTTP/2 keeps it open).
    exchanges_ = 1 + static_cast<int>(std::min(rng.exponential(0.9), 12.0));
    const double end = rng.unit();
    close_ = end < 0.07 ? TcpClose::kClientRst : end < 0.12 ? TcpClose::kServerFin : TcpClose::kClientFin;
  }

 protected:
  void next_message(SessionContext& ctx, std::int64_t, TcpMessage& m) override {
    Rng& rng = ctx.rng;
    const std::uint32_t seg = segment_size();
    switch (stage_++) {
      case 0:
        part_ = Part::kClientHello;
        m = {TcpSide::kClient, static_cast<std::uint32_t>(tls_client_hello_size(server_name_)),
             rng.between(50 * kUs, 600 * kUs)};
        return;
      case 1:
        // ServerHello, then encrypted extensions, certificates, verify and finished.
        part_ = Part::kServerFlight;
        m = {TcpSide::kServer, fit_records(static_cast<std::uint32_t>(rng.between(2600, 5600)), seg),
             rng.between(300 * kUs, 6 * kMs)};
        return;
      case 2:
        // ChangeCipherSpec, Finished and the first request in one flight.
        part_ = Part::kClientFinished;
        m = {TcpSide::kClient, 64 + static_cast<std::uint32_t>(rng.between(120, 700)),
             rng.between(200 * kUs, 3 * kMs)};
        return;
      default:
        break;
    }
    if (stage_ % 2 == 0) {  // server's answer to the previous request
      part_ = Part::kData;
      m = {TcpSide::kServer, fit_records(size_lognormal(rng, 5500, 1.5, 180, 4'000'000), seg),
           ms_lognormal(rng, 12, 1.0, 0.4, 900)};
      --exchanges_;
      return;
    }
    if (exchanges_ > 0) {
      part_ = Part::kData;
      m = {TcpSide::kClient, static_cast<std::uint32_t>(rng.between(40, 650)),
           ms_lognormal(rng, 350, 1.5, 5, 30'000)};
      return;
    }
    if (close_ == TcpClose::kClientFin && !alert_sent_) {
      // close_notify (an encrypted alert, which TLS 1.3 frames as application data), then FIN.
      alert_sent_ = true;
      part_ = Part::kData;
      m = {TcpSide::kClient, 24, ms_lognormal(rng, 2500, 1.3, 40, 60'000)};
      --stage_;
      return;
    }
    const std::int64_t delay = close_ == TcpClose::kClientFin   ? rng.between(15 * kUs, 90 * kUs)
                               : close_ == TcpClose::kServerFin ? ms_lognormal(rng, 8000, 0.8, 1000, 65'000)
                                                                : ms_lognormal(rng, 600, 1.5, 5, 30'000);
    m = {close_ == TcpClose::kServerFin ? TcpSide::kServer : TcpSide::kClient, 0, delay, close_};
  }

  void fill(SessionContext& ctx, std::uint32_t offset, std::span<std::uint8_t> out) override {
    switch (part_) {
      case Part::kClientHello:
        write_tls_client_hello(out, server_name_, session_id_, ctx.rng);
        return;
      case Part::kServerFlight:
        if (offset == 0) {
          write_tls_server_hello(out, session_id_, ctx.rng);
          out = out.subspan(kTlsServerHelloSize);
        }
        break;
      case Part::kClientFinished: {
        constexpr std::uint8_t kCcs[] = {tls::kChangeCipherSpec, 3, 3, 0, 1, 1};
        std::memcpy(out.data(), kCcs, sizeof kCcs);
        write_tls_record(out.subspan(6, 58), tls::kApplicationData, ctx.random_bytes(53));
        out = out.subspan(64);
        break;
      }
      case Part::kData:
        break;
    }
    write_tls_record(out, tls::kApplicationData, ctx.random_bytes(out.size() - kTlsRecordHeader));
  }

 private:
  enum class Part : std::uint8_t { kClientHello, kServerFlight, kClientFinished, kData };
  std::string_view server_name_;
  TlsSessionId session_id_{};
  int stage_ = 0;
  int exchanges_ = 1;
  bool alert_sent_ = false;
  TcpClose close_ = TcpClose::kClientFin;
  Part part_ = Part::kClientHello;
};

// ---- HTTP over TCP 80 --------------------------------------------------------------------------

constexpr std::string_view kHtmlText =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Example Domain</title>"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body><div>\n"
    "<h1>Example Domain</h1>\n<p>This domain is for use in illustrative examples in documents. You may "
    "use this domain in literature without prior coordination or asking for permission.</p>\n"
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
    "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
    "aliquip ex ea commodo consequat.</p>\n<p>Duis aute irure dolor in reprehenderit in voluptate velit "
    "esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in "
    "culpa qui officia deserunt mollit anim id est laborum.</p>\n<ul><li><a href=\"/news/\">News</a></li>"
    "<li><a href=\"/about/\">About</a></li><li><a href=\"/contact/\">Contact</a></li></ul>\n";

constexpr std::string_view kPlainText =
    "Origin: Debian\nLabel: Debian\nSuite: stable\nVersion: 12.5\nCodename: bookworm\n"
    "Date: Sat, 10 Feb 2024 10:03:55 UTC\nAcquire-By-Hash: yes\nNo-Support-for-Architecture-all: Packages\n"
    "Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x\n"
    "Components: main contrib non-free-firmware non-free\nDescription: Debian 12.5 Released 10 February "
    "2024\n"
    " 0ec5ba6b9ed3a4a1b9f0b5d4c1f6e1cfa2d0a7bd1f3ab6b7a6b3e2a1c0f9e8d7   1045742 contrib/Contents-all\n"
    " 6a1f2e3d4c5b6a7988776655443322110ffeeddccbbaa99887766554433221100     91523 "
    "main/binary-amd64/Release\n";

constexpr std::string_view kPortalBody =
    "<meta http-equiv=\"refresh\" content=\"0;url=https://support.mozilla.org/kb/captive-portal\"/>";

constexpr std::string_view kDebs[] = {
    "/debian/pool/main/c/curl/libcurl4_7.88.1-10+deb12u5_amd64.deb",
    "/debian/pool/main/o/openssl/libssl3_3.0.11-1~deb12u2_amd64.deb",
    "/debian/pool/main/t/tzdata/tzdata_2024a-0+deb12u1_all.deb",
    "/debian/pool/main/l/linux-signed-amd64/linux-image-6.1.0-18-amd64_6.1.76-1_amd64.deb",
};

enum class BodyKind : std::uint8_t { kNone, kHtml, kPlain, kPortal, kConnectTest, kBinary };

struct HttpRequest {
  std::string_view path;
  std::string_view status = "200 OK";
  std::string_view content_type;
  BodyKind body = BodyKind::kNone;
  std::uint32_t body_size = 0;
};

class HttpSession final : public TcpSession {
 public:
  HttpSession(const TcpEndpoints& ends, const Server& server, Rng& rng)
      : TcpSession(ends, rng), server_(&server) {
    const HostOs os = ends.client->os;
    switch (server.http) {
      case HttpKind::kConnectivityCheck:
        user_agent_ = "Microsoft NCSI";
        server_header_ = "Microsoft-IIS/10.0";
        add({"/connecttest.txt", "200 OK", "text/plain", BodyKind::kConnectTest, 22});
        break;
      case HttpKind::kPortalCheck:
        user_agent_ = "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0";
        server_header_ = "nginx";
        add({"/canonical.html", "200 OK", "text/html", BodyKind::kPortal,
             static_cast<std::uint32_t>(kPortalBody.size())});
        if (rng.chance(0.5)) add({"/success.txt?ipv4", "200 OK", "text/plain", BodyKind::kPlain, 8});
        break;
      case HttpKind::kNoContent:
        user_agent_ = "NetworkManager/1.42.4";
        server_header_ = "nginx";
        add({"/", "204 No Content", "", BodyKind::kNone, 0});
        break;
      case HttpKind::kPackages:
        user_agent_ = "Debian APT-HTTP/1.3 (2.6.1)";
        server_header_ = "Apache";
        // apt mostly learns that nothing changed; now and then it fetches an update.
        if (rng.chance(0.75)) {
          add({"/debian/dists/bookworm/InRelease", "304 Not Modified", "", BodyKind::kNone, 0});
          break;
        }
        add({"/debian/dists/bookworm/InRelease", "200 OK", "text/plain", BodyKind::kPlain,
             size_lognormal(rng, 150'000, 0.2, 60'000, 400'000)});
        for (int i = 0, n = static_cast<int>(rng.below(3)); i < n; ++i) {
          add({kDebs[rng.below(std::size(kDebs))], "200 OK", "application/vnd.debian.binary-package",
               BodyKind::kBinary, size_lognormal(rng, 250'000, 1.3, 8'000, 6'000'000)});
        }
        break;
      case HttpKind::kWebPage:
      case HttpKind::kNone:
        user_agent_ = os == HostOs::kWindows ? "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                               "(KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36"
                      : os == HostOs::kMacos
                          ? "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
                            "like Gecko) Version/17.2 Safari/605.1.15"
                          : "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0";
        server_header_ = "ECS (dce/26CD)";
        add({"/", "200 OK", "text/html; charset=UTF-8", BodyKind::kHtml,
             size_lognormal(rng, 6000, 1.0, 600, 200'000)});
        if (rng.chance(0.6))
          add({"/favicon.ico", "404 Not Found", "text/html", BodyKind::kHtml,
               size_lognormal(rng, 300, 0.3, 150, 1200)});
        break;
    }
    const double end = rng.unit();
    close_ = end < 0.06 ? TcpClose::kClientRst : end < 0.3 ? TcpClose::kServerFin : TcpClose::kClientFin;
  }

 protected:
  void next_message(SessionContext& ctx, std::int64_t now_ns, TcpMessage& m) override {
    Rng& rng = ctx.rng;
    if (stage_ < 2 * count_) {
      current_ = &requests_[static_cast<std::size_t>(stage_ / 2)];
      if (stage_ % 2 == 0) {
        response_ = false;
        m = {TcpSide::kClient, static_cast<std::uint32_t>(format_request(ctx.scratch)),
             stage_ == 0 ? rng.between(40 * kUs, 400 * kUs) : ms_lognormal(rng, 80, 1.2, 1, 5000)};
      } else {
        response_ = true;
        const std::int64_t delay = ms_lognormal(rng, 6, 1.2, 0.2, 800);
        date_s_ = (now_ns + delay + endpoints().rtt_ns) / kSec;
        last_response_ = stage_ == 2 * count_ - 1;
        const auto header = static_cast<std::uint32_t>(format_response_header(ctx.scratch));
        m = {TcpSide::kServer, header + current_->body_size, delay};
      }
      ++stage_;
      return;
    }
    const std::int64_t delay = close_ == TcpClose::kServerFin ? rng.between(60 * kUs, 900 * kUs)
                                                              : ms_lognormal(rng, 900, 1.4, 1, 30'000);
    m = {close_ == TcpClose::kServerFin ? TcpSide::kServer : TcpSide::kClient, 0, delay, close_};
  }

  void fill(SessionContext& ctx, std::uint32_t offset, std::span<std::uint8_t> out) override {
    // Headers are re-rendered from the stored choices on every segment: the shared scratch
    // buffer does not keep them between steps.
    const std::size_t header = response_ ? format_response_header(ctx.scratch) : format_request(ctx.scratch);
    std::size_t i = 0;
    for (; i < out.size() && offset + i < header; ++i) out[i] = ctx.scratch[offset + i];
    if (i == out.size()) return;
    const std::size_t body_offset = offset + i - header;
    std::span<std::uint8_t> rest = out.subspan(i);
    std::string_view text;
    switch (current_->body) {
      case BodyKind::kBinary: {
        const auto bytes = ctx.random_bytes(rest.size());
        std::memcpy(rest.data(), bytes.data(), rest.size());
        return;
      }
      case BodyKind::kConnectTest:
        text = "Microsoft Connect Test";
        break;
      case BodyKind::kPortal:
        text = kPortalBody;
        break;
      case BodyKind::kPlain:
        text = current_->body_size == 8 ? std::string_view("success\n") : kPlainText;
        break;
      case BodyKind::kHtml:
      case BodyKind::kNone:
        text = kHtmlText;
        break;
    }
    for (std::size_t k = 0; k < rest.size(); ++k) {
      rest[k] = static_cast<std::uint8_t>(text[(body_offset + k) % text.size()]);
    }
  }

 private:
  void add(const HttpRequest& r) {
    if (count_ < static_cast<int>(requests_.size())) requests_[static_cast<std::size_t>(count_++)] = r;
  }

  std::size_t format_request(std::span<std::uint8_t> out) const {
    auto* p = reinterpret_cast<char*>(out.data());
    const auto r = fmt::format_to_n(p, out.size(),
                                    "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n"
                                    "Accept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n",
                                    current_->path, server_->name, user_agent_);
    return std::min(r.size, out.size());
  }

  std::size_t format_response_header(std::span<std::uint8_t> out) const {
    auto* p = reinterpret_cast<char*>(out.data());
    char date[kHttpDateSize];
    format_http_date(date_s_, date);
    const std::string_view connection =
        last_response_ && close_ == TcpClose::kServerFin ? "close" : "keep-alive";
    fmt::format_to_n_result<char*> r{};
    if (current_->body == BodyKind::kNone) {
      r = fmt::format_to_n(p, out.size(), "HTTP/1.1 {}\r\nDate: {}\r\nServer: {}\r\nConnection: {}\r\n\r\n",
                           current_->status, std::string_view(date, kHttpDateSize), server_header_,
                           connection);
    } else {
      r = fmt::format_to_n(
          p, out.size(),
          "HTTP/1.1 {}\r\nDate: {}\r\nServer: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
          "Cache-Control: max-age=3600\r\nConnection: {}\r\n\r\n",
          current_->status, std::string_view(date, kHttpDateSize), server_header_, current_->content_type,
          current_->body_size, connection);
    }
    return std::min(r.size, out.size());
  }

  const Server* server_;
  std::array<HttpRequest, 5> requests_{};
  int count_ = 0;
  int stage_ = 0;
  const HttpRequest* current_ = nullptr;
  bool response_ = false;
  bool last_response_ = false;
  std::int64_t date_s_ = 0;
  std::string_view user_agent_;
  std::string_view server_header_;
  TcpClose close_ = TcpClose::kClientFin;
};

// ---- SSH over TCP 22 ---------------------------------------------------------------------------

class SshSession final : public TcpSession {
 public:
  SshSession(const TcpEndpoints& ends, bool git, Rng& rng) : TcpSession(ends, rng), git_(git) {
    client_banner_ = kSshClientBanners[ends.client->os == HostOs::kWindows ? 2 + rng.below(2) : rng.below(2)];
    server_banner_ = kSshServerBanners[git ? 2 : rng.below(2)];
    keystrokes_ = static_cast<int>(std::clamp(rng.lognormal(30, 0.9), 4.0, 600.0));
    close_ = rng.chance(0.9) ? TcpClose::kClientFin : TcpClose::kServerFin;
  }

 protected:
  void next_message(SessionContext& ctx, std::int64_t, TcpMessage& m) override {
    script(ctx, m);
    // The smallest chacha20-poly1305 packet: length, one block, tag.
    constexpr std::uint32_t kMinEncryptedPacket = 36;
    if (part_ == Part::kEncrypted && m.size != 0)
      m.size = fit_tail(m.size, segment_size(), kMinEncryptedPacket);
  }

  void script(SessionContext& ctx, TcpMessage& m) {
    Rng& rng = ctx.rng;
    const auto quick = [&] { return rng.between(60 * kUs, 900 * kUs); };
    part_ = Part::kEncrypted;
    switch (stage_++) {
      case 0:
        part_ = Part::kClientBanner;
        m = {TcpSide::kClient, size32(client_banner_.size()), quick()};
        return;
      case 1:
        part_ = Part::kServerBanner;
        m = {TcpSide::kServer, size32(server_banner_.size()), rng.between(1 * kMs, 4 * kMs)};
        return;
      case 2:
        part_ = Part::kClientKexinit;
        m = {TcpSide::kClient, kexinit_size(ctx, false), quick()};
        return;
      case 3:
        part_ = Part::kServerKexinit;
        m = {TcpSide::kServer, kexinit_size(ctx, true), quick()};
        return;
      case 4:
        part_ = Part::kEcdhInit;
        m = {TcpSide::kClient, 48, quick()};
        return;
      case 5:
        part_ = Part::kEcdhReply;
        m = {TcpSide::kServer, ecdh_reply_size(ctx), rng.between(1 * kMs, 5 * kMs)};
        return;
      case 6:
        part_ = Part::kNewKeys;
        m = {TcpSide::kClient, 16 + 44, quick()};
        return;
      default:
        break;
    }
    // Encrypted from here: user authentication, then a shell or a git transfer.
    static constexpr std::uint32_t kAuth[] = {288, 68, 52, 180, 28, 112, 52};
    const int k = stage_ - 8;
    if (k < static_cast<int>(std::size(kAuth))) {
      m = {k % 2 == 0 ? TcpSide::kServer : TcpSide::kClient, kAuth[k],
           k % 2 == 0 ? quick() : rng.between(1 * kMs, 30 * kMs)};
      return;
    }
    const int j = k - static_cast<int>(std::size(kAuth));
    if (git_) {
      switch (j) {
        case 0:
          m = {TcpSide::kClient, 132, quick()};
          return;  // exec git-upload-pack
        case 1:
          m = {TcpSide::kServer, size_lognormal(rng, 3000, 1.2, 300, 200'000),
               ms_lognormal(rng, 30, 0.8, 3, 500)};
          return;
        case 2:
          m = {TcpSide::kClient, static_cast<std::uint32_t>(rng.between(200, 900)), quick()};
          return;
        case 3:
          m = {TcpSide::kServer, size_lognormal(rng, 30'000, 1.3, 2'000, 8'000'000),
               ms_lognormal(rng, 80, 1.0, 5, 3000)};
          return;
        case 4:
          m = {TcpSide::kClient, 36, quick()};
          return;
        case 5:
          m = {TcpSide::kServer, 100, quick()};
          return;
        default:
          break;
      }
    } else if (j == 0) {
      m = {TcpSide::kClient, 452, quick()};  // pty-req, env, shell
      return;
    } else if (j == 1) {
      m = {TcpSide::kServer, size_lognormal(rng, 700, 0.6, 100, 4000),
           rng.between(5 * kMs, 60 * kMs)};  // motd, prompt
      return;
    } else if (keystrokes_ > 0) {
      // A keystroke, its echo, and sometimes the output of a command.
      if (phase_ == 0) {
        phase_ = 1;
        const std::int64_t think = rng.chance(0.03) ? ms_lognormal(rng, 8000, 1.0, 1000, 60'000)
                                                    : ms_lognormal(rng, 170, 0.7, 35, 3000);
        m = {TcpSide::kClient, 36, think};
      } else if (phase_ == 1) {
        phase_ = rng.chance(0.12) ? 2 : 0;
        if (phase_ == 0) --keystrokes_;
        m = {TcpSide::kServer, 36, rng.between(40 * kUs, 300 * kUs)};
      } else {
        phase_ = 0;
        --keystrokes_;
        m = {TcpSide::kServer, size_lognormal(rng, 500, 1.5, 52, 60'000), ms_lognormal(rng, 6, 1.0, 1, 400)};
      }
      return;
    } else if (phase_ != 3) {
      phase_ = 3;
      m = {TcpSide::kServer, 180, ms_lognormal(rng, 3, 0.5, 1, 20)};  // exit-status, eof, close
      return;
    }
    if (!closed_channel_) {
      closed_channel_ = true;
      m = {TcpSide::kClient, 36, quick()};
      return;
    }
    m = {close_ == TcpClose::kServerFin ? TcpSide::kServer : TcpSide::kClient, 0, quick(), close_};
  }

  void fill(SessionContext& ctx, std::uint32_t offset, std::span<std::uint8_t> out) override {
    switch (part_) {
      case Part::kClientBanner:
        std::memcpy(out.data(), client_banner_.data() + offset, out.size());
        return;
      case Part::kServerBanner:
        std::memcpy(out.data(), server_banner_.data() + offset, out.size());
        return;
      case Part::kClientKexinit:
      case Part::kServerKexinit: {
        // Rebuilt from the same seed for each segment, so both halves belong to one message.
        Rng seeded(message_seed_);
        write_ssh_kexinit(ctx.scratch, part_ == Part::kServerKexinit, seeded);
        std::memcpy(out.data(), ctx.scratch.data() + offset, out.size());
        return;
      }
      case Part::kEcdhInit:
        write_ssh_ecdh_init(out, ctx.rng);
        return;
      case Part::kEcdhReply:
        write_ssh_ecdh_reply(out, ctx.rng);
        return;
      case Part::kNewKeys: {
        const std::size_t n = write_ssh_newkeys(out, ctx.rng);
        const auto rest = ctx.random_bytes(out.size() - n);
        std::memcpy(out.data() + n, rest.data(), rest.size());
        return;
      }
      case Part::kEncrypted: {
        const auto bytes = ctx.random_bytes(out.size());
        std::memcpy(out.data(), bytes.data(), out.size());
        return;
      }
    }
  }

 private:
  enum class Part : std::uint8_t {
    kClientBanner,
    kServerBanner,
    kClientKexinit,
    kServerKexinit,
    kEcdhInit,
    kEcdhReply,
    kNewKeys,
    kEncrypted,
  };
  static std::uint32_t size32(std::size_t n) { return static_cast<std::uint32_t>(n); }
  std::uint32_t kexinit_size(SessionContext& ctx, bool server) {
    message_seed_ = ctx.rng.next();
    Rng seeded(message_seed_);
    return size32(write_ssh_kexinit(ctx.scratch, server, seeded));
  }
  static std::uint32_t ecdh_reply_size(SessionContext& ctx) {
    Rng throwaway(0);
    return size32(write_ssh_ecdh_reply(ctx.scratch, throwaway));
  }

  bool git_;
  std::string_view client_banner_;
  std::string_view server_banner_;
  int stage_ = 0;
  int keystrokes_ = 0;
  int phase_ = 0;
  bool closed_channel_ = false;
  std::uint64_t message_seed_ = 0;
  TcpClose close_ = TcpClose::kClientFin;
  Part part_ = Part::kClientBanner;
};

// A SYN to a port nobody listens on, answered by RST.
class RefusedSession final : public TcpSession {
 public:
  RefusedSession(const TcpEndpoints& ends, Rng& rng) : TcpSession(ends, rng) { refuse(); }

 protected:
  void next_message(SessionContext&, std::int64_t, TcpMessage& m) override { m.close = TcpClose::kClientRst; }
  void fill(SessionContext&, std::uint32_t, std::span<std::uint8_t>) override {}
};

// ---- DNS ---------------------------------------------------------------------------------------

class DnsSession final : public Session {
 public:
  DnsSession(Network& network, Host& host, std::string_view name, DnsType type, const Server* server,
             std::unique_ptr<Session> then)
      : network_(&network), host_(&host), name_(name), type_(type), server_(server), then_(std::move(then)) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    Host& h = *host_;
    const std::size_t payload_size = build_payload(ctx);
    if (!answered_) {
      answered_ = true;
      ctx.count_flow();
      const std::size_t size = ctx.frames.udp(link(h.mac, network_->gateway_mac(), h.vlan),
                                              host_ip(h, h.ipv4, network_->gateway_ipv4(), true), port_, 53,
                                              ctx.payload.first(payload_size));
      // Cached answers come back at once; the rest after a trip upstream.
      const std::int64_t wait =
          rng.chance(0.65) ? rng.between(150 * kUs, 1500 * kUs) : ms_lognormal(rng, 18, 0.9, 3, 400);
      return {size, now_ns + wait};
    }
    const std::size_t size = ctx.frames.udp(link(network_->gateway_mac(), h.mac, h.vlan),
                                            peer_ip(network_->gateway_ipv4(), h.ipv4, 64, rng), 53, port_,
                                            ctx.payload.first(payload_size));
    if (then_ != nullptr && server_ != nullptr) {
      ctx.spawn(std::move(then_), now_ns + ms_lognormal(rng, 1.2, 0.8, 0.1, 40));
    }
    return {size, kNever};
  }

  void prepare(Rng& rng) {
    id_ = rng.next_u16();
    const StackProfile& p = host_->profile();
    port_ = static_cast<std::uint16_t>(rng.between(p.port_lo, p.port_hi));
    ttl_ = static_cast<std::uint32_t>(rng.between(30, 3600));
    two_addresses_ = rng.chance(0.25);
  }

 private:
  std::size_t build_payload(SessionContext& ctx) const {
    if (!answered_) return write_dns_query(ctx.payload, id_, name_, type_);
    std::array<IpAddress, 2> addresses{};
    std::size_t count = 0;
    if (server_ != nullptr) {
      const IpAddress& a = type_ == DnsType::kAaaa ? server_->ipv6 : server_->ipv4;
      if (!a.empty()) {
        addresses[count++] = a;
        if (two_addresses_) {
          // Anycast front ends hand out neighbouring addresses.
          IpAddress b = a;
          const std::size_t last = a.family == IpFamily::kV6 ? 15 : 3;
          b.bytes[last] = static_cast<std::uint8_t>(b.bytes[last] ^ 0x01);
          addresses[count++] = b;
        }
      }
    }
    const DnsResponse response{
        .id = id_,
        .name = name_,
        .type = type_,
        .rcode = server_ == nullptr ? DnsRcode::kNxDomain : DnsRcode::kNoError,
        .cname = server_ != nullptr ? server_->cname : std::string_view{},
        .addresses = std::span<const IpAddress>(addresses.data(), count),
        .ttl = ttl_,
    };
    return write_dns_response(ctx.payload, response);
  }

  Network* network_;
  Host* host_;
  std::string_view name_;
  DnsType type_;
  const Server* server_;  // nullptr: the name does not exist
  std::unique_ptr<Session> then_;
  std::uint16_t id_ = 0;
  std::uint16_t port_ = 0;
  std::uint32_t ttl_ = 300;
  bool two_addresses_ = false;
  bool answered_ = false;
};

std::unique_ptr<DnsSession> new_dns(Network& network, Host& host, std::string_view name, DnsType type,
                                    const Server* server, std::unique_ptr<Session> then, Rng& rng) {
  auto s = std::make_unique<DnsSession>(network, host, name, type, server, std::move(then));
  s->prepare(rng);
  return s;
}

// ---- NTP ---------------------------------------------------------------------------------------

class NtpSession final : public Session {
 public:
  NtpSession(Network& network, Host& host, const Server& server, Rng& rng)
      : network_(&network), host_(&host), server_(&server) {
    // Windows w32time talks from port 123; Linux and macOS clients from an ephemeral port.
    const StackProfile& p = host.profile();
    port_ = host.os == HostOs::kWindows ? 123 : static_cast<std::uint16_t>(rng.between(p.port_lo, p.port_hi));
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Host& h = *host_;
    std::span<std::uint8_t, kNtpSize> payload = ctx.payload.first<kNtpSize>();
    if (sent_ns_ < 0) {
      sent_ns_ = now_ns;
      ctx.count_flow();
      write_ntp_request(payload, now_ns);
      const std::size_t size = ctx.frames.udp(link(h.mac, network_->gateway_mac(), h.vlan),
                                              host_ip(h, h.ipv4, server_->ipv4, true), port_, 123, payload);
      return {size, now_ns + server_->rtt_ns + ctx.rng.between(20 * kUs, 300 * kUs)};
    }
    const std::int64_t server_receive = sent_ns_ + server_->rtt_ns / 2;
    const bool google = server_->name.starts_with("time.google");
    write_ntp_response(payload, sent_ns_, server_receive, server_receive + ctx.rng.between(5 * kUs, 40 * kUs),
                       google ? 1 : 2, google ? 0x474f4f47 /* "GOOG" */ : 0xc0248f82);
    const std::size_t size =
        ctx.frames.udp(link(network_->gateway_mac(), h.mac, h.vlan),
                       peer_ip(server_->ipv4, h.ipv4, server_->ttl, ctx.rng), 123, port_, payload);
    return {size, kNever};
  }

 private:
  Network* network_;
  Host* host_;
  const Server* server_;
  std::uint16_t port_ = 123;
  std::int64_t sent_ns_ = -1;
};

// ---- ICMP echo ---------------------------------------------------------------------------------

// A ping series (ping -c N): a request every second, each answered one round trip later.
class PingSession final : public Session {
 public:
  struct Target {
    MacAddress mac{};  // next hop
    IpAddress src{};   // the host's address used
    IpAddress dst{};
    std::int64_t rtt_ns = 0;
    std::uint8_t reply_ttl = 64;
  };

  PingSession(Host& host, const Target& target, Rng& rng) : host_(&host), target_(target) {
    const double c = rng.unit();
    count_ = c < 0.6 ? 4 : c < 0.8 ? 1 : static_cast<int>(rng.between(2, 10));
    windows_ = host.os == HostOs::kWindows;
    id_ = windows_ ? 1 : rng.next_u16();
    seq_ = windows_ ? static_cast<std::uint16_t>(rng.between(1, 400)) : 1;
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Host& h = *host_;
    const std::size_t n = ping_payload_size(windows_);
    if (!awaiting_reply_) {
      if (sent_ == 0) ctx.count_flow();
      write_ping_payload(ctx.payload.first(n), windows_, now_ns);
      request_ns_ = now_ns;
      IpSpec ip = host_ip(h, target_.src, target_.dst, false);
      if (!windows_ && ip.src.family == IpFamily::kV4) ip.dont_fragment = true;  // iputils sets DF
      const std::size_t size =
          ctx.frames.icmp_echo(link(h.mac, target_.mac, h.vlan), ip, false, id_, seq_, ctx.payload.first(n));
      awaiting_reply_ = true;
      ++sent_;
      const double jitter = 1.0 + 0.2 * ctx.rng.unit();
      return {size, now_ns + static_cast<std::int64_t>(static_cast<double>(target_.rtt_ns) * jitter)};
    }
    write_ping_payload(ctx.payload.first(n), windows_, request_ns_);
    const std::size_t size = ctx.frames.icmp_echo(
        link(target_.mac, h.mac, h.vlan), peer_ip(target_.dst, target_.src, target_.reply_ttl, ctx.rng), true,
        id_, seq_, ctx.payload.first(n));
    awaiting_reply_ = false;
    ++seq_;
    if (sent_ >= count_) return {size, kNever};
    return {size, request_ns_ + kSec + ctx.rng.between(0, 2 * kMs)};
  }

 private:
  Host* host_;
  Target target_;
  int count_ = 4;
  int sent_ = 0;
  bool windows_ = false;
  bool awaiting_reply_ = false;
  std::uint16_t id_ = 0;
  std::uint16_t seq_ = 1;
  std::int64_t request_ns_ = 0;
};

// ---- UDP to a closed port ----------------------------------------------------------------------

// A NetBIOS node status query to the gateway, which runs no NetBIOS: ICMP port unreachable.
class UnreachableSession final : public Session {
 public:
  UnreachableSession(Network& network, Host& host, Rng& rng) : network_(&network), host_(&host) {
    id_ = rng.next_u16();
    ip_id_ = host.ip_id++;
  }

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Host& h = *host_;
    // The probe is rebuilt for the error too, since the error quotes its IP packet.
    IpSpec ip = host_ip(h, h.ipv4, network_->gateway_ipv4(), false);
    ip.id = ip_id_;
    write_nbns_node_status(ctx.payload.first<kNbnsNodeStatusSize>(), id_);
    const std::size_t size = ctx.frames.udp(link(h.mac, network_->gateway_mac(), h.vlan), ip, 137, 137,
                                            ctx.payload.first(kNbnsNodeStatusSize));
    if (!sent_) {
      sent_ = true;
      ctx.count_flow();
      return {size, now_ns + ctx.rng.between(100 * kUs, 600 * kUs)};
    }
    const auto probe = ctx.frames.ip_packet();
    std::memcpy(ctx.scratch.data(), probe.data(), probe.size());
    const std::size_t error = ctx.frames.icmp_error(
        link(network_->gateway_mac(), h.mac, h.vlan), peer_ip(network_->gateway_ipv4(), h.ipv4, 64, ctx.rng),
        IcmpError::kPortUnreachable, ctx.scratch.first(probe.size()));
    return {error, kNever};
  }

 private:
  Network* network_;
  Host* host_;
  std::uint16_t id_ = 0;
  std::uint16_t ip_id_ = 0;
  bool sent_ = false;
};

// ---- ARP ---------------------------------------------------------------------------------------

// The host resolves the gateway when it comes up, and the two refresh each other now and then.
class ArpSession final : public Session {
 public:
  ArpSession(Network& network, Host& host) : network_(&network), host_(&host) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Host& h = *host_;
    const MacAddress& gw = network_->gateway_mac();
    const IpAddress& gw_ip = network_->gateway_ipv4();
    const MacAddress zero{};
    std::size_t size = 0;
    switch (state_) {
      case State::kHostAsks:  // broadcast at start, unicast refresh later (as Linux probes)
        size = ctx.frames.arp(link(h.mac, refresh_ ? gw : kBroadcastMac, h.vlan), ArpOp::kRequest, h.mac,
                              h.ipv4, zero, gw_ip);
        state_ = State::kGatewayAnswers;
        return {size, now_ns + ctx.rng.between(80 * kUs, 700 * kUs)};
      case State::kGatewayAnswers:
        size = ctx.frames.arp(link(gw, h.mac, h.vlan), ArpOp::kReply, gw, gw_ip, h.mac, h.ipv4);
        break;
      case State::kGatewayAsks:
        size = ctx.frames.arp(link(gw, kBroadcastMac, h.vlan), ArpOp::kRequest, gw, gw_ip, zero, h.ipv4);
        state_ = State::kHostAnswers;
        return {size, now_ns + ctx.rng.between(80 * kUs, 900 * kUs)};
      case State::kHostAnswers:
        size = ctx.frames.arp(link(h.mac, gw, h.vlan), ArpOp::kReply, h.mac, h.ipv4, gw, gw_ip);
        break;
    }
    refresh_ = true;
    state_ = ctx.rng.chance(0.65) ? State::kHostAsks : State::kGatewayAsks;
    return {size, now_ns + ms_lognormal(ctx.rng, 150'000, 0.6, 20'000, 1'200'000)};
  }

 private:
  enum class State : std::uint8_t { kHostAsks, kGatewayAnswers, kGatewayAsks, kHostAnswers };
  Network* network_;
  Host* host_;
  State state_ = State::kHostAsks;
  bool refresh_ = false;
};

// ---- the host's activity -----------------------------------------------------------------------

class HostActivity final : public Session {
 public:
  HostActivity(Host& host, const ActivityMix& mix) : host_(&host), mix_(mix) {}

  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Rng& rng = ctx.rng;
    const double mean_gap_s = 1.0 / (mix_.sessions_per_second * host_->activity);
    if (!started_) {
      started_ = true;
      ctx.spawn(std::make_unique<ArpSession>(ctx.network, *host_), now_ns);
      return {0, now_ns + 2 * kMs + static_cast<std::int64_t>(rng.exponential(mean_gap_s) * 1e9)};
    }
    start_one(ctx, now_ns);
    return {0, now_ns + 1 + static_cast<std::int64_t>(rng.exponential(mean_gap_s) * 1e9)};
  }

 private:
  // In the order of the weights in start_one.
  enum class Kind : std::uint8_t {
    kHttps,
    kHttp,
    kSsh,
    kDnsOnly,
    kNtp,
    kPing,
    kClosed,
    kUnreachable,
    kLocalPing
  };

  void start_one(SessionContext& ctx, std::int64_t now_ns) {
    Rng& rng = ctx.rng;
    Network& net = ctx.network;
    Host& h = *host_;
    const double weights[] = {mix_.https,
                              mix_.http,
                              mix_.ssh,
                              mix_.dns_only,
                              mix_.ntp,
                              mix_.ping,
                              mix_.closed_port,
                              mix_.udp_unreachable,
                              mix_.local_ipv6_ping};
    switch (static_cast<Kind>(rng.weighted(weights))) {
      case Kind::kHttps: {
        const Server* s = net.pick_server(service::kHttps, false, rng);
        const bool v6 = use_ipv6(h, *s, rng);
        connect(ctx, now_ns, *s, make_https_session(net, h, *s, v6, rng), v6);
        return;
      }
      case Kind::kHttp: {
        const Server* s = net.pick_server(service::kHttp, false, rng);
        const bool v6 = use_ipv6(h, *s, rng);
        connect(ctx, now_ns, *s,
                std::make_unique<HttpSession>(outside_endpoints(net, h, *s, v6, 80), *s, rng), v6);
        return;
      }
      case Kind::kSsh: {
        const Server* s = net.pick_server(service::kSsh, false, rng);
        const bool v6 = use_ipv6(h, *s, rng);
        const bool git = (s->services & service::kHttps) != 0;  // code hosts: git over SSH
        connect(ctx, now_ns, *s,
                std::make_unique<SshSession>(outside_endpoints(net, h, *s, v6, 22), git, rng), v6);
        return;
      }
      case Kind::kDnsOnly: {
        if (rng.chance(0.45)) {
          const auto names = Network::nonexistent_names();
          ctx.spawn(new_dns(net, h, names[rng.below(names.size())], DnsType::kA, nullptr, nullptr, rng),
                    now_ns);
        } else {
          const Server* s = net.pick_server(service::kHttps, false, rng);
          const bool v6 = s->has_ipv6() && rng.chance(0.4);
          ctx.spawn(new_dns(net, h, s->name, v6 ? DnsType::kAaaa : DnsType::kA, s, nullptr, rng), now_ns);
        }
        return;
      }
      case Kind::kNtp: {
        const Server* s = net.pick_server(service::kNtp, false, rng);
        auto ntp = std::make_unique<NtpSession>(net, h, *s, rng);
        if (h.os == HostOs::kWindows || rng.chance(0.5)) {
          ctx.spawn(new_dns(net, h, s->name, DnsType::kA, s, std::move(ntp), rng), now_ns);
        } else {
          ctx.spawn(std::move(ntp), now_ns);
        }
        return;
      }
      case Kind::kPing: {
        start_ping(ctx, now_ns);
        return;
      }
      case Kind::kClosed: {
        Host* neighbour = rng.chance(0.5) ? net.pick_neighbour(h, rng) : nullptr;
        TcpEndpoints ends;
        if (neighbour != nullptr) {
          static constexpr std::uint16_t kLanPorts[] = {445, 139, 3389, 631, 9100, 22, 5900, 8080};
          ends = TcpEndpoints{.client = &h,
                              .peer_mac = neighbour->mac,
                              .client_ip = h.ipv4,
                              .server_ip = neighbour->ipv4,
                              .server_port = kLanPorts[rng.below(std::size(kLanPorts))],
                              .rtt_ns = rng.between(150 * kUs, 900 * kUs),
                              .server_ttl = neighbour->profile().ttl};
        } else {
          static constexpr std::uint16_t kPorts[] = {8080, 8443, 3389, 21, 25, 5222, 993, 8000};
          const Server* s = net.pick_server(service::kHttps, false, rng);
          ends = outside_endpoints(net, h, *s, false, kPorts[rng.below(std::size(kPorts))]);
        }
        ctx.spawn(std::make_unique<RefusedSession>(ends, rng), now_ns);
        return;
      }
      case Kind::kUnreachable:
        // Windows asks for NetBIOS names; the others have nothing of the kind to probe with.
        if (h.os != HostOs::kWindows) {
          start_ping(ctx, now_ns);
          return;
        }
        ctx.spawn(std::make_unique<UnreachableSession>(net, h, rng), now_ns);
        return;
      case Kind::kLocalPing: {
        Host* other = h.has_ipv6() ? net.pick_ipv6_neighbour(h, rng) : nullptr;
        if (other == nullptr) {
          start_ping(ctx, now_ns);
          return;
        }
        const PingSession::Target t{.mac = other->mac,
                                    .src = h.ipv6_link_local,
                                    .dst = other->ipv6_link_local,
                                    .rtt_ns = rng.between(200 * kUs, 1200 * kUs),
                                    .reply_ttl = other->profile().ttl};
        ctx.spawn(std::make_unique<PingSession>(h, t, rng), now_ns);
        return;
      }
    }
  }

  bool use_ipv6(const Host& h, const Server& s, Rng& rng) const {
    return h.has_ipv6() && s.has_ipv6() && rng.chance(mix_.ipv6_share);
  }

  // Most connections look the name up first; the session starts when the answer is in.
  void connect(SessionContext& ctx, std::int64_t now_ns, const Server& s, std::unique_ptr<Session> session,
               bool v6) {
    if (ctx.rng.chance(mix_.dns_before_connect)) {
      ctx.spawn(new_dns(ctx.network, *host_, s.name, v6 ? DnsType::kAaaa : DnsType::kA, &s,
                        std::move(session), ctx.rng),
                now_ns);
    } else {
      ctx.spawn(std::move(session), now_ns);
    }
  }

  void start_ping(SessionContext& ctx, std::int64_t now_ns) {
    Rng& rng = ctx.rng;
    Network& net = ctx.network;
    Host& h = *host_;
    const double pick = rng.unit();
    PingSession::Target t{.mac = net.gateway_mac(), .src = h.ipv4};
    const Server* s = nullptr;
    if (pick < 0.35) {
      t.dst = net.gateway_ipv4();
      t.rtt_ns = rng.between(150 * kUs, 700 * kUs);
      t.reply_ttl = 64;
    } else {
      s = pick < 0.75 ? &net.ping_targets()[rng.below(net.ping_targets().size())]
                      : net.pick_server(service::kPing, false, rng);
      const bool v6 = h.has_ipv6() && s->has_ipv6() && rng.chance(mix_.ipv6_share);
      t.src = v6 ? h.ipv6 : h.ipv4;
      t.dst = v6 ? s->ipv6 : s->ipv4;
      t.rtt_ns = s->rtt_ns;
      t.reply_ttl = s->ttl;
    }
    auto ping = std::make_unique<PingSession>(h, t, rng);
    if (s != nullptr && pick >= 0.75) {
      ctx.spawn(new_dns(net, h, s->name, t.dst.family == IpFamily::kV6 ? DnsType::kAaaa : DnsType::kA, s,
                        std::move(ping), rng),
                now_ns);
    } else {
      ctx.spawn(std::move(ping), now_ns);
    }
  }

  Host* host_;
  ActivityMix mix_;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<Session> make_host_activity(Host& host, const ActivityMix& mix) {
  return std::make_unique<HostActivity>(host, mix);
}

std::unique_ptr<Session> make_https_session(Network& network, Host& host, const Server& server, bool ipv6,
                                            Rng& rng) {
  const TcpEndpoints ends = outside_endpoints(network, host, server, ipv6, 443);
  return std::make_unique<HttpsSession>(ends, server.name, rng);
}

std::unique_ptr<Session> make_dns_lookup(Network& network, Host& host, const Server& server, bool ipv6,
                                         std::unique_ptr<Session> then, Rng& rng) {
  return new_dns(network, host, server.name, ipv6 ? DnsType::kAaaa : DnsType::kA, &server, std::move(then),
                 rng);
}

}  // namespace nta
