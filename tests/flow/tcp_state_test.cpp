// conn_state and history on hand-built TCP packet sequences, checked against Zeek's definitions.
#include <gtest/gtest.h>

#include "flow_test_util.h"

namespace nta {
namespace {

using namespace nta::test;
using namespace nta::test::flag;

struct Result {
  ConnState state;
  std::string history;
  FlowRecord record;
};

// Runs `script` on a fresh table and returns the single flow it makes, as flush() emits it.
template <class Script>
Result run(Script script) {
  FlowTable table;
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 40000, "10.0.0.2", 80);
  script(c);
  table.flush(out);
  EXPECT_EQ(out.size(), 1u) << "expected exactly one flow";
  if (out.empty()) return {ConnState::kOth, "", FlowRecord{}};
  return {out.back().conn_state, std::string(out.back().history_view()), out.back()};
}

TEST(TcpState, FullHandshakeDataAndFinBothWaysIsSF) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.client(PA, 100);
    c.server(A);
    c.server(PA, 200);
    c.client(FA);
    c.server(FA);
    c.client(A);
  });
  EXPECT_EQ(r.state, ConnState::kSf);
  EXPECT_EQ(r.history, "ShADadFf");
  EXPECT_EQ(r.record.orig.payload_bytes, 100u);
  EXPECT_EQ(r.record.resp.payload_bytes, 200u);
  EXPECT_EQ(r.record.orig.packets, 5u);
  EXPECT_EQ(r.record.resp.packets, 4u);
  EXPECT_EQ(r.record.orig.ip_bytes, 5u * 40u + 100u);
  EXPECT_EQ(r.record.resp.ip_bytes, 4u * 40u + 200u);
  EXPECT_EQ(r.record.orig.syn, 1u);
  EXPECT_EQ(r.record.orig.fin, 1u);
  EXPECT_EQ(r.record.orig.ack, 4u);
  EXPECT_EQ(r.record.orig.psh, 1u);
  EXPECT_EQ(r.record.resp.syn, 1u);
  EXPECT_EQ(r.record.resp.ack, 4u);
  EXPECT_EQ(r.record.key.orig_port, 40000u);
  EXPECT_FALSE(r.record.flipped());
}

TEST(TcpState, RejectedSynIsREJ) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(RA);
  });
  EXPECT_EQ(r.state, ConnState::kRej);
  EXPECT_EQ(r.history, "Sr");
}

TEST(TcpState, SynOnlyIsS0) {
  const Result r = run([](TcpConversation& c) { c.client(S); });
  EXPECT_EQ(r.state, ConnState::kS0);
  EXPECT_EQ(r.history, "S");
}

TEST(TcpState, RetransmittedSynsStayS0WithOneLetter) {
  const Result r = run([](TcpConversation& c) {
    c.client_at(1000, S, 0);
    c.client_at(1000, S, 0);
    c.client_at(1000, S, 0);
  });
  EXPECT_EQ(r.state, ConnState::kS0);
  EXPECT_EQ(r.history, "S");
  EXPECT_EQ(r.record.orig.syn, 3u);
}

TEST(TcpState, HandshakeNoCloseIsS1) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
  });
  EXPECT_EQ(r.state, ConnState::kS1);
  EXPECT_EQ(r.history, "ShA");
}

TEST(TcpState, OriginatorFinOnlyIsS2) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.client(FA);
  });
  EXPECT_EQ(r.state, ConnState::kS2);
  EXPECT_EQ(r.history, "ShAF");
}

TEST(TcpState, ResponderFinOnlyIsS3) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.server(FA);
  });
  EXPECT_EQ(r.state, ConnState::kS3);
  EXPECT_EQ(r.history, "ShAf");
}

TEST(TcpState, OriginatorResetAfterHandshakeIsRSTO) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.client(PA, 10);
    c.client(RA);
  });
  EXPECT_EQ(r.state, ConnState::kRsto);
  EXPECT_EQ(r.history, "ShADR");
}

TEST(TcpState, ResponderResetAfterHandshakeIsRSTR) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.server(R);
  });
  EXPECT_EQ(r.state, ConnState::kRstr);
  EXPECT_EQ(r.history, "ShAr");
}

TEST(TcpState, SynThenOriginatorResetIsRSTOS0) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.client(R);
  });
  EXPECT_EQ(r.state, ConnState::kRstos0);
  EXPECT_EQ(r.history, "SR");
}

TEST(TcpState, SynAckThenResponderResetIsRSTRH) {
  const Result r = run([](TcpConversation& c) {
    c.server(SA);
    c.server(R);
  });
  EXPECT_EQ(r.state, ConnState::kRstrh);
  EXPECT_EQ(r.history, "^hr");
  EXPECT_TRUE(r.record.flipped());
}

TEST(TcpState, SynThenOriginatorFinIsSH) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.client(F);
  });
  EXPECT_EQ(r.state, ConnState::kSh);
  EXPECT_EQ(r.history, "SF");
}

TEST(TcpState, SynAckThenResponderFinIsSHR) {
  const Result r = run([](TcpConversation& c) {
    c.server(SA);
    c.server(FA);
  });
  EXPECT_EQ(r.state, ConnState::kShr);
  EXPECT_EQ(r.history, "^hf");
}

TEST(TcpState, MidstreamStartWithoutSynIsOTH) {
  const Result r = run([](TcpConversation& c) {
    c.client(PA, 50);
    c.server(PA, 70);
    c.client(A);
  });
  EXPECT_EQ(r.state, ConnState::kOth);
  EXPECT_EQ(r.history, "DdA");
  EXPECT_EQ(r.record.orig.state, TcpEndpointState::kPartial);
  EXPECT_EQ(r.record.resp.state, TcpEndpointState::kPartial);
  // Partial connections count payload from their first segment.
  EXPECT_EQ(r.record.orig.payload_bytes, 50u);
  EXPECT_EQ(r.record.resp.payload_bytes, 70u);
}

TEST(TcpState, MidstreamBothFinsIsSF) {
  // Zeek: both endpoints CLOSED gives SF even without a handshake.
  const Result r = run([](TcpConversation& c) {
    c.client(PA, 5);
    c.server(FA);
    c.client(FA);
  });
  EXPECT_EQ(r.state, ConnState::kSf);
  EXPECT_EQ(r.history, "DfF");
}

TEST(TcpState, FirstPacketSynAckMakesItsReceiverTheOriginator) {
  FlowTable table;
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "192.0.2.7", 51515, "198.51.100.9", 443);
  const FlowUpdate first = c.server(SA);
  ASSERT_NE(first.flow, nullptr);
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(first.from_originator);
  EXPECT_EQ(first.flow->key.orig_addr, ip("192.0.2.7"));
  EXPECT_EQ(first.flow->key.orig_port, 51515);
  EXPECT_EQ(first.flow->key.resp_addr, ip("198.51.100.9"));
  EXPECT_EQ(first.flow->key.resp_port, 443);
  const FlowUpdate second = c.client(A);
  EXPECT_TRUE(second.from_originator);
  EXPECT_FALSE(second.created);
  c.client(PA, 30);
  c.server(PA, 40);
  c.client(FA);
  c.server(FA);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].history_view(), "^hADdFf");
  EXPECT_EQ(out[0].conn_state, ConnState::kSf);  // the missed SYN is inferred from the client's ACK
  EXPECT_EQ(out[0].orig.payload_bytes, 30u);
  EXPECT_EQ(out[0].resp.payload_bytes, 40u);
}

TEST(TcpState, FirstPacketSynMakesItsSenderTheOriginatorEvenFromAServerPort) {
  FlowTable table;
  std::vector<FlowRecord> out;
  const FlowUpdate u = table.update(tcp_packet("10.1.1.1", 80, "10.1.1.2", 50000, S, 1, 0, 0, kT0), out);
  ASSERT_NE(u.flow, nullptr);
  EXPECT_TRUE(u.from_originator);
  EXPECT_EQ(u.flow->key.orig_port, 80);
  EXPECT_FALSE(u.flow->flipped());
}

TEST(TcpState, RetransmissionZeroWindowAndFlagCombinations) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    const std::uint32_t seq = c.client_seq();
    c.client(PA, 100);
    c.client_at(seq, PA, 100);                                // the same segment again: T
    c.client_window(A, 0);                                    // zero window: W
    c.client(tcpflag::kFin | tcpflag::kRst | tcpflag::kAck);  // FIN+RST: I
  });
  EXPECT_EQ(r.history, "ShADTWI");
  EXPECT_EQ(r.record.orig.payload_bytes, 100u);  // the retransmission is not counted twice
}

TEST(TcpState, SynWithFinIsMultiFlag) {
  const Result r = run([](TcpConversation& c) { c.client(tcpflag::kSyn | tcpflag::kFin); });
  EXPECT_EQ(r.history, "Q");
}

TEST(TcpState, InitialWindowsEachWay) {
  FlowTable table;
  std::vector<FlowRecord> out;
  table.update(tcp_packet("10.0.0.1", 1111, "10.0.0.2", 22, S, 10, 0, 0, kT0, 64240), out);
  table.update(tcp_packet("10.0.0.2", 22, "10.0.0.1", 1111, SA, 90, 11, 0, kT0 + 1, 65160), out);
  table.update(tcp_packet("10.0.0.1", 1111, "10.0.0.2", 22, A, 11, 91, 0, kT0 + 2, 502), out);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].orig.initial_window, 64240);
  EXPECT_EQ(out[0].resp.initial_window, 65160);
}

TEST(TcpState, PayloadBytesFromSequenceNumbersAcrossWraparound) {
  FlowTable table;
  std::vector<FlowRecord> out;
  // ISN 0xffffff00: the data crosses 2^32 after 255 bytes.
  TcpConversation c(table, out, "10.0.0.1", 40000, "10.0.0.2", 80, kT0, 0xffffff00u, 7);
  c.client(S);
  c.server(SA);
  c.client(A);
  const std::uint32_t first = c.client_seq();
  c.client(PA, 300);  // 0xffffff01 .. 0x0000002d: wraps
  c.client(PA, 200);
  c.client_at(first + 100, PA, 100);  // retransmission inside what was seen
  c.client_at(first + 600, PA, 50);   // a gap of 100 bytes (missed segment) then 50
  c.client_at(first + 500, PA, 100);  // the missed segment arrives late
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].orig.payload_bytes, 650u);
  EXPECT_NE(out[0].history_view().find('T'), std::string_view::npos);
}

TEST(TcpState, PayloadBytesBeyondFourGigabytes) {
  FlowTable table;
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 40000, "10.0.0.2", 80, kT0, 123, 7);
  c.client(S);
  c.server(SA);
  c.client(A);
  // Five segments of 1e9 bytes (only the sequence numbers matter): 5e9 bytes, wrapping the 32-bit
  // sequence space once.
  for (int i = 0; i < 5; ++i) c.client(PA, 1'000'000'000u);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].orig.payload_bytes, 5'000'000'000ull);
}

TEST(TcpState, ResetPayloadIsNotStreamData) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.client(RA, 40);
  });
  EXPECT_EQ(r.record.orig.payload_bytes, 0u);
  EXPECT_EQ(r.state, ConnState::kRsto);
}

TEST(TcpState, RstAfterFinExchangeStaysSF) {
  const Result r = run([](TcpConversation& c) {
    c.client(S);
    c.server(SA);
    c.client(A);
    c.client(FA);
    c.server(FA);
    c.client(R);
  });
  EXPECT_EQ(r.state, ConnState::kSf);
  EXPECT_EQ(r.history, "ShAFfR");
}

}  // namespace
}  // namespace nta
