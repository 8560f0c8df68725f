#pragma once
// Password guessing: many short connections, each a real login exchange that fails.
//   brute_force_ssh: an outside address against a LAN host's ssh (banners, key exchange, then
//     encrypted service request, one password and its failure after the PAM delay, disconnect);
//   brute_force_ftp: a LAN host against another's FTP server (220 banner, USER/331, PASS/530 up to
//     three times, QUIT/221 or the server hanging up);
//   brute_force_rdp: an outside address against a Windows host's 3389 (TPKT/X.224 connection
//     request with an mstshash cookie, confirm choosing CredSSP, TLS, NTLM in TSRequests, failure).
#include "synth/attack_session.h"

namespace nta {

// Connection attempts a second, on average, over setup.duration_ns (at least 12 in all).
inline constexpr double kSshGuessesPerSecond = 1.5;
inline constexpr double kFtpConnectionsPerSecond = 1.0;
inline constexpr double kRdpGuessesPerSecond = 1.0;

AttackScenario make_brute_force(const AttackSetup& setup, Rng& rng);

}  // namespace nta
