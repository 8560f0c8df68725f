#include "synth/app_payloads.h"

#include <cstring>

namespace nta {
namespace {

// A cursor over an output span that stops (and remembers it) at the end instead of overflowing.
class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> out) noexcept : out_(out) {}
  void u8(std::uint8_t v) noexcept {
    if (room(1)) out_[pos_] = v;
    pos_ += 1;
  }
  void u16(std::uint16_t v) noexcept {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u24(std::uint32_t v) noexcept {
    u8(static_cast<std::uint8_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void u32(std::uint32_t v) noexcept {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void bytes(const void* p, std::size_t n) noexcept {
    if (room(n)) std::memcpy(out_.data() + pos_, p, n);
    pos_ += n;
  }
  void text(std::string_view s) noexcept { bytes(s.data(), s.size()); }
  void random(Rng& rng, std::size_t n) noexcept {
    if (room(n)) rng.fill(out_.subspan(pos_, n));
    pos_ += n;
  }
  // Reserves a big-endian length field of `width` bytes, patched by end_length.
  std::size_t begin_length(int width) noexcept {
    const std::size_t at = pos_;
    for (int i = 0; i < width; ++i) u8(0);
    return at;
  }
  void end_length(std::size_t at, int width) noexcept {
    const std::size_t len = pos_ - at - static_cast<std::size_t>(width);
    if (!room_at(at, static_cast<std::size_t>(width))) return;
    for (int i = 0; i < width; ++i) {
      out_[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(len >> (8 * (width - 1 - i)));
    }
  }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  [[nodiscard]] bool ok() const noexcept { return pos_ <= out_.size(); }
  [[nodiscard]] std::size_t result() const noexcept { return ok() ? pos_ : 0; }

 private:
  [[nodiscard]] bool room(std::size_t n) const noexcept { return room_at(pos_, n); }
  [[nodiscard]] bool room_at(std::size_t at, std::size_t n) const noexcept {
    return at <= out_.size() && n <= out_.size() - at;
  }
  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
};

constexpr std::uint16_t kCipherSuites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                                           0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
constexpr std::uint16_t kSignatureAlgorithms[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                                  0x0805, 0x0501, 0x0806, 0x0601};

// Chrome pads the ClientHello handshake to 512 bytes (RFC 7685) to dodge a middlebox bug.
constexpr std::size_t kClientHelloPaddedTo = 512;

}  // namespace

std::size_t write_tls_client_hello(std::span<std::uint8_t> out, std::string_view server_name,
                                   const TlsSessionId& session_id, Rng& rng) noexcept {
  Writer w(out);
  w.u8(tls::kHandshake);
  w.u16(0x0301);  // record version of a first flight, as browsers send it
  const std::size_t record_len = w.begin_length(2);
  w.u8(1);  // client_hello
  const std::size_t hs_len = w.begin_length(3);
  w.u16(0x0303);
  w.random(rng, 32);
  w.u8(32);
  w.bytes(session_id.data(), session_id.size());
  w.u16(sizeof kCipherSuites);
  for (std::uint16_t c : kCipherSuites) w.u16(c);
  w.u8(1);  // compression methods: null only
  w.u8(0);
  const std::size_t ext_len = w.begin_length(2);
  // server_name
  w.u16(0x0000);
  const std::size_t sn = w.begin_length(2);
  const std::size_t sn_list = w.begin_length(2);
  w.u8(0);  // host_name
  w.u16(static_cast<std::uint16_t>(server_name.size()));
  w.text(server_name);
  w.end_length(sn_list, 2);
  w.end_length(sn, 2);
  // extended_master_secret, renegotiation_info
  w.u16(0x0017);
  w.u16(0);
  w.u16(0xff01);
  w.u16(1);
  w.u8(0);
  // supported_groups: x25519, secp256r1, secp384r1
  w.u16(0x000a);
  w.u16(8);
  w.u16(6);
  w.u16(0x001d);
  w.u16(0x0017);
  w.u16(0x0018);
  // ec_point_formats: uncompressed
  w.u16(0x000b);
  w.u16(2);
  w.u8(1);
  w.u8(0);
  // session_ticket (empty)
  w.u16(0x0023);
  w.u16(0);
  // ALPN: h2, http/1.1
  w.u16(0x0010);
  w.u16(14);
  w.u16(12);
  w.u8(2);
  w.text("h2");
  w.u8(8);
  w.text("http/1.1");
  // status_request (OCSP)
  w.u16(0x0005);
  w.u16(5);
  w.u8(1);
  w.u16(0);
  w.u16(0);
  // signature_algorithms
  w.u16(0x000d);
  w.u16(static_cast<std::uint16_t>(2 + sizeof kSignatureAlgorithms));
  w.u16(sizeof kSignatureAlgorithms);
  for (std::uint16_t s : kSignatureAlgorithms) w.u16(s);
  // signed_certificate_timestamp
  w.u16(0x0012);
  w.u16(0);
  // key_share: one x25519 share
  w.u16(0x0033);
  w.u16(38);
  w.u16(36);
  w.u16(0x001d);
  w.u16(32);
  w.random(rng, 32);
  // psk_key_exchange_modes: psk_dhe_ke
  w.u16(0x002d);
  w.u16(2);
  w.u8(1);
  w.u8(1);
  // supported_versions: TLS 1.3, TLS 1.2
  w.u16(0x002b);
  w.u16(5);
  w.u8(4);
  w.u16(0x0304);
  w.u16(0x0303);
  // padding up to 512 bytes of handshake, when at least the extension header fits
  const std::size_t handshake_so_far = w.pos() - (hs_len - 1);
  if (handshake_so_far + 4 <= kClientHelloPaddedTo) {
    const std::size_t pad = kClientHelloPaddedTo - handshake_so_far - 4;
    w.u16(0x0015);
    w.u16(static_cast<std::uint16_t>(pad));
    for (std::size_t i = 0; i < pad; ++i) w.u8(0);
  }
  w.end_length(ext_len, 2);
  w.end_length(hs_len, 3);
  w.end_length(record_len, 2);
  return w.result();
}

std::size_t tls_client_hello_size(std::string_view server_name) noexcept {
  std::array<std::uint8_t, 1024> buffer{};
  Rng rng(0);
  return write_tls_client_hello(buffer, server_name, TlsSessionId{}, rng);
}

std::size_t write_tls_server_hello(std::span<std::uint8_t> out, const TlsSessionId& session_id,
                                   Rng& rng) noexcept {
  Writer w(out);
  w.u8(tls::kHandshake);
  w.u16(0x0303);
  const std::size_t record_len = w.begin_length(2);
  w.u8(2);  // server_hello
  const std::size_t hs_len = w.begin_length(3);
  w.u16(0x0303);
  w.random(rng, 32);
  w.u8(32);
  w.bytes(session_id.data(), session_id.size());  // TLS 1.3 echoes the legacy session id
  w.u16(rng.chance(0.7) ? 0x1301 : 0x1302);
  w.u8(0);
  const std::size_t ext_len = w.begin_length(2);
  w.u16(0x002b);  // supported_versions: TLS 1.3
  w.u16(2);
  w.u16(0x0304);
  w.u16(0x0033);  // key_share: x25519
  w.u16(36);
  w.u16(0x001d);
  w.u16(32);
  w.random(rng, 32);
  w.end_length(ext_len, 2);
  w.end_length(hs_len, 3);
  w.end_length(record_len, 2);
  // ChangeCipherSpec for middlebox compatibility (RFC 8446 D.4)
  w.u8(tls::kChangeCipherSpec);
  w.u16(0x0303);
  w.u16(1);
  w.u8(1);
  return w.result();
}

void write_tls_record(std::span<std::uint8_t> out, std::uint8_t content_type,
                      std::span<const std::uint8_t> body) noexcept {
  if (out.size() < kTlsRecordHeader) return;
  const std::size_t len = out.size() - kTlsRecordHeader;
  out[0] = content_type;
  out[1] = 0x03;
  out[2] = 0x03;
  out[3] = static_cast<std::uint8_t>(len >> 8);
  out[4] = static_cast<std::uint8_t>(len);
  if (len != 0) std::memcpy(out.data() + kTlsRecordHeader, body.data(), std::min(len, body.size()));
}

// ---- SSH ---------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kClientKex =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c";
constexpr std::string_view kServerKex =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
constexpr std::string_view kClientHostKey =
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,"
    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
constexpr std::string_view kServerHostKey = "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519";
constexpr std::string_view kCiphers =
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
    "aes256-gcm@openssh.com";
constexpr std::string_view kMacs =
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
constexpr std::string_view kClientCompression = "none,zlib@openssh.com,zlib";
constexpr std::string_view kServerCompression = "none,zlib@openssh.com";

void ssh_string(Writer& w, std::string_view s) noexcept {
  w.u32(static_cast<std::uint32_t>(s.size()));
  w.text(s);
}

// Binary packet framing (RFC 4253 section 6) around a payload written by `body`: padding to
// a multiple of 8 with at least 4 bytes, as before any cipher is in use.
template <typename Body>
std::size_t ssh_packet(std::span<std::uint8_t> out, Rng& rng, Body body) noexcept {
  Writer w(out);
  const std::size_t length_at = w.begin_length(4);
  const std::size_t padding_at = w.pos();
  w.u8(0);
  body(w);
  const std::size_t payload_end = w.pos();
  std::size_t padding = 8 - payload_end % 8;
  if (padding < 4) padding += 8;
  w.random(rng, padding);
  w.end_length(length_at, 4);
  if (w.ok()) out[padding_at] = static_cast<std::uint8_t>(padding);
  return w.result();
}

}  // namespace

std::size_t write_ssh_kexinit(std::span<std::uint8_t> out, bool server, Rng& rng) noexcept {
  return ssh_packet(out, rng, [&](Writer& w) {
    w.u8(20);  // SSH_MSG_KEXINIT
    w.random(rng, 16);
    ssh_string(w, server ? kServerKex : kClientKex);
    ssh_string(w, server ? kServerHostKey : kClientHostKey);
    ssh_string(w, kCiphers);
    ssh_string(w, kCiphers);
    ssh_string(w, kMacs);
    ssh_string(w, kMacs);
    ssh_string(w, server ? kServerCompression : kClientCompression);
    ssh_string(w, server ? kServerCompression : kClientCompression);
    ssh_string(w, "");
    ssh_string(w, "");
    w.u8(0);   // first_kex_packet_follows
    w.u32(0);  // reserved
  });
}

std::size_t write_ssh_ecdh_init(std::span<std::uint8_t> out, Rng& rng) noexcept {
  return ssh_packet(out, rng, [&](Writer& w) {
    w.u8(30);  // SSH_MSG_KEX_ECDH_INIT
    w.u32(32);
    w.random(rng, 32);
  });
}

std::size_t write_ssh_ecdh_reply(std::span<std::uint8_t> out, Rng& rng) noexcept {
  const std::size_t reply = ssh_packet(out, rng, [&](Writer& w) {
    w.u8(31);                // SSH_MSG_KEX_ECDH_REPLY
    w.u32(4 + 11 + 4 + 32);  // host key blob
    ssh_string(w, "ssh-ed25519");
    w.u32(32);
    w.random(rng, 32);
    w.u32(32);  // server's ephemeral public key
    w.random(rng, 32);
    w.u32(4 + 11 + 4 + 64);  // signature blob
    ssh_string(w, "ssh-ed25519");
    w.u32(64);
    w.random(rng, 64);
  });
  if (reply == 0) return 0;
  const std::size_t newkeys = write_ssh_newkeys(out.subspan(reply), rng);
  return newkeys == 0 ? 0 : reply + newkeys;
}

std::size_t write_ssh_newkeys(std::span<std::uint8_t> out, Rng& rng) noexcept {
  return ssh_packet(out, rng, [](Writer& w) { w.u8(21); });
}

// ---- NTP, NetBIOS, ping ------------------------------------------------------------------------

namespace {
constexpr std::uint64_t kNtpEpochOffset = 2'208'988'800ULL;  // 1900-01-01 to 1970-01-01 in seconds

void put64(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
}  // namespace

std::uint64_t ntp_timestamp(std::int64_t unix_ns) noexcept {
  const auto ns = static_cast<std::uint64_t>(unix_ns);
  const std::uint64_t seconds = ns / 1'000'000'000ULL + kNtpEpochOffset;
  const std::uint64_t frac = ((ns % 1'000'000'000ULL) << 32) / 1'000'000'000ULL;
  return seconds << 32 | frac;
}

void write_ntp_request(std::span<std::uint8_t, kNtpSize> out, std::int64_t transmit_ns) noexcept {
  std::memset(out.data(), 0, kNtpSize);
  out[0] = 0x23;  // LI 0, version 4, mode 3 (client)
  put64(out.data() + 40, ntp_timestamp(transmit_ns));
}

void write_ntp_response(std::span<std::uint8_t, kNtpSize> out, std::int64_t client_transmit_ns,
                        std::int64_t receive_ns, std::int64_t transmit_ns, std::uint8_t stratum,
                        std::uint32_t reference_id) noexcept {
  std::memset(out.data(), 0, kNtpSize);
  out[0] = 0x24;  // LI 0, version 4, mode 4 (server)
  out[1] = stratum;
  out[2] = 6;                                                     // poll 2^6 s
  out[3] = 0xe7;                                                  // precision 2^-25 s
  put32(out.data() + 4, stratum == 1 ? 0 : 0x00000150);           // root delay (16.16 s)
  put32(out.data() + 8, stratum == 1 ? 0x0000000a : 0x00000290);  // root dispersion
  put32(out.data() + 12, reference_id);
  put64(out.data() + 16, ntp_timestamp(receive_ns - 23'000'000'000LL));  // last set 23 s ago
  put64(out.data() + 24, ntp_timestamp(client_transmit_ns));
  put64(out.data() + 32, ntp_timestamp(receive_ns));
  put64(out.data() + 40, ntp_timestamp(transmit_ns));
}

void write_nbns_node_status(std::span<std::uint8_t, kNbnsNodeStatusSize> out, std::uint16_t id) noexcept {
  std::memset(out.data(), 0, kNbnsNodeStatusSize);
  out[0] = static_cast<std::uint8_t>(id >> 8);
  out[1] = static_cast<std::uint8_t>(id);
  out[5] = 1;  // one question
  out[12] = 32;
  // "*" padded with NULs, first-level encoded (RFC 1001 14.1): '*' = 0x2a -> "CK", NUL -> "AA".
  out[13] = 'C';
  out[14] = 'K';
  for (std::size_t i = 15; i < 45; ++i) out[i] = 'A';
  out[45] = 0;
  out[47] = 0x21;  // NBSTAT
  out[49] = 0x01;  // IN
}

std::size_t ping_payload_size(bool windows) noexcept {
  return windows ? 32 : 56;
}

void write_ping_payload(std::span<std::uint8_t> out, bool windows, std::int64_t now_ns) noexcept {
  if (windows) {
    constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwabcdefghi";
    std::memcpy(out.data(), kLetters.data(), std::min(out.size(), kLetters.size()));
    return;
  }
  if (out.size() < 16) return;
  // struct timeval in the sender's (little-endian) byte order, then 0x10, 0x11, ...
  const auto sec = static_cast<std::uint64_t>(now_ns / 1'000'000'000);
  const auto usec = static_cast<std::uint64_t>(now_ns % 1'000'000'000 / 1000);
  for (int i = 0; i < 8; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sec >> (8 * i));
    out[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(usec >> (8 * i));
  }
  for (std::size_t i = 16; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i);
}

void format_http_date(std::int64_t unix_seconds, char* out) noexcept {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  const std::int64_t secs = unix_seconds - days * 86400;
  // Civil date from a day count (H. Hinnant's days_from_civil, inverted).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const std::int64_t weekday = ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday
  auto two = [](char* p, std::int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::memcpy(out, kDays[weekday], 3);
  out[3] = ',';
  out[4] = ' ';
  two(out + 5, day);
  out[7] = ' ';
  std::memcpy(out + 8, kMonths[month - 1], 3);
  out[11] = ' ';
  two(out + 12, year / 100 % 100);
  two(out + 14, year % 100);
  out[16] = ' ';
  two(out + 17, secs / 3600);
  out[19] = ':';
  two(out + 20, secs / 60 % 60);
  out[22] = ':';
  two(out + 23, secs % 60);
  std::memcpy(out + 25, " GMT", 4);
}

}  // namespace nta
